// Accounts. `isAdmin` is only ever set from ADMIN_EMAILS at login (services/auth.ts), never from a payload.
import type { Prisma } from '@prisma/client';
import type { Db } from '../db/prisma';
import { notFound } from './errors';
import type { ListQuery } from './types';
import { normalizeEmail } from './auth';

/** What a response shows of a user: never tokens. */
export const userSelect = {
  id: true,
  email: true,
  firstName: true,
  lastName: true,
  social: true,
  isAdmin: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.UserSelect;

export type UserView = Prisma.UserGetPayload<{ select: typeof userSelect }>;

export interface UserInput {
  readonly email?: string;
  readonly firstName?: string | null;
  readonly lastName?: string | null;
  readonly social?: Record<string, string> | null;
}

export type NewUser = UserInput & { readonly email: string };

const internals = {
  data(input: UserInput) {
    const { social, email, ...names } = input;
    return {
      ...names,
      ...(email !== undefined && { email: normalizeEmail(email) }),
      ...(social !== undefined && { social: social ?? undefined }),
    };
  },
};

/** The user loader of the routes (src/auth/policies.ts) and GET /users/{userId} share this one query. */
export function findUser(db: Db, id: number): Promise<UserView | null> {
  return db.user.findUnique({ where: { id }, select: userSelect });
}

export async function getUser(db: Db, id: number): Promise<UserView> {
  const user = await findUser(db, id);
  if (!user) {
    throw notFound('User');
  }
  return user;
}

export function listUsers(db: Db, { take, skip }: ListQuery): Promise<UserView[]> {
  return db.user.findMany({ select: userSelect, orderBy: { id: 'asc' }, take, skip });
}

export function createUser(db: Db, input: NewUser): Promise<UserView> {
  return db.user.create({ data: { ...internals.data(input), email: normalizeEmail(input.email) }, select: userSelect });
}

export function updateUser(db: Db, id: number, input: UserInput): Promise<UserView> {
  return db.user.update({ where: { id }, data: internals.data(input), select: userSelect });
}

/** Tokens, enrollments, feedback and received results cascade; graded results keep their grade (grader set to null). */
export async function deleteUser(db: Db, id: number): Promise<void> {
  await db.user.delete({ where: { id }, select: { id: true } });
}
