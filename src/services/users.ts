// Accounts. `isAdmin` is only ever set from ADMIN_EMAILS at login (services/auth.ts), never from a payload.
import type { Prisma } from '@prisma/client';
import type { Db } from '../db/prisma';
import { DomainError } from '../errors';
import type { ListQuery } from '../schemas/common';
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
  email?: string;
  firstName?: string | null;
  lastName?: string | null;
  social?: Record<string, string> | null;
}

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

export async function getUser(db: Db, id: number): Promise<UserView> {
  const user = await db.user.findUnique({ where: { id }, select: userSelect });
  if (!user) {
    throw new DomainError('notFound', `User ${id} does not exist`);
  }
  return user;
}

export function listUsers(db: Db, { take, skip }: ListQuery): Promise<UserView[]> {
  return db.user.findMany({ select: userSelect, orderBy: { id: 'asc' }, take, skip });
}

export function createUser(db: Db, input: UserInput & { email: string }): Promise<UserView> {
  return db.user.create({ data: { ...internals.data(input), email: normalizeEmail(input.email) }, select: userSelect });
}

export function updateUser(db: Db, id: number, input: UserInput): Promise<UserView> {
  return db.user.update({ where: { id }, data: internals.data(input), select: userSelect });
}

/** Tokens, enrollments, feedback and received results cascade; graded results keep their grade (grader set to null). */
export async function deleteUser(db: Db, id: number): Promise<void> {
  await db.user.delete({ where: { id }, select: { id: true } });
}
