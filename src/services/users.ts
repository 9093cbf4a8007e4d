// Accounts. `isAdmin` is only ever set from ADMIN_EMAILS at login (services/auth.ts), never from a payload.
// A non-admin's own email changes only with proof of the new address (requestEmailChange + confirmEmailChange).
import type { Prisma } from '@prisma/client';
import { EMAIL_TOKEN_TTL_MS, generateEmailToken, hashEmailToken } from '../auth/tokens';
import type { Db } from '../db/prisma';
import { selectOf, USER_SUMMARY_COLUMNS } from './columns';
import { DomainError, notFound } from './errors';
import type { ListQuery } from './types';
import { MAX_FAILED_ATTEMPTS, normalizeEmail } from './auth';

/** What a response shows of a user: never tokens. */
const userSelect = {
  ...selectOf(USER_SUMMARY_COLUMNS),
  social: true,
  isAdmin: true,
  createdAt: true,
  updatedAt: true,
  emailChange: { select: { newEmail: true, valid: true, expiration: true } },
} satisfies Prisma.UserSelect;

type UserRow = Prisma.UserGetPayload<{ select: typeof userSelect }>;

/** A user as responses show it (to themselves and admins): `pendingEmail` is an address awaiting confirmation. */
export type UserView = Omit<UserRow, 'emailChange'> & { readonly pendingEmail: string | null };

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

  view({ emailChange, ...user }: UserRow): UserView {
    const pending = emailChange && emailChange.valid && emailChange.expiration > new Date() ? emailChange.newEmail : null;
    return { ...user, pendingEmail: pending };
  },

  async assertEmailFree(db: Pick<Db, 'user'>, email: string, exceptUserId: number): Promise<void> {
    const owner = await db.user.findUnique({ where: { email }, select: { id: true } });
    if (owner && owner.id !== exceptUserId) {
      throw new DomainError('conflict', 'Conflict: a record with the same email already exists');
    }
  },
};

/**
 * The user loader of the routes (src/auth/policies.ts) and GET /users/{userId} share this query: ONE
 * statement (a nested `emailChange` select would be a second round trip on every route that loads a user).
 */
export async function findUser(db: Db, id: number): Promise<UserView | null> {
  const [row] = await db.$queryRaw<
    Array<Omit<UserRow, 'emailChange'> & { newEmail: string | null; valid: boolean | null; expiration: Date | null }>
  >`
    SELECT u."id", u."email", u."firstName", u."lastName", u."social", u."isAdmin", u."createdAt", u."updatedAt",
           c."newEmail", c."valid", c."expiration"
    FROM "users" u
    LEFT JOIN "email_changes" c ON c."userId" = u."id"
    WHERE u."id" = ${id}`;
  if (!row) {
    return null;
  }
  const { newEmail, valid, expiration, ...user } = row;
  return internals.view({
    ...user,
    emailChange: newEmail === null ? null : { newEmail, valid: valid === true, expiration: expiration as Date },
  });
}

export async function getUser(db: Db, id: number): Promise<UserView> {
  const user = await findUser(db, id);
  if (!user) {
    throw notFound('User');
  }
  return user;
}

export async function listUsers(db: Db, { take, skip }: ListQuery): Promise<UserView[]> {
  const users = await db.user.findMany({ select: userSelect, orderBy: { id: 'asc' }, take, skip });
  return users.map(internals.view);
}

export async function createUser(db: Db, input: NewUser): Promise<UserView> {
  const user = await db.user.create({ data: { ...internals.data(input), email: normalizeEmail(input.email) }, select: userSelect });
  return internals.view(user);
}

/** Changes any field directly, the email included: what admins do. */
export async function updateUser(db: Db, id: number, input: UserInput): Promise<UserView> {
  return internals.view(await db.user.update({ where: { id }, data: internals.data(input), select: userSelect }));
}

/**
 * What a non-admin's PUT on themselves does. Other fields change at once; a new email does not: it
 * becomes pending, and `send` mails a token to it. An address another account has is a 409 before
 * anything happens; a mail that cannot be sent is a 503 with nothing changed and nothing pending
 * (the mail goes out before the write for that reason). Asking for the current email cancels a pending change.
 */
export async function requestEmailChange(
  db: Db,
  secret: string,
  id: number,
  input: NewUser,
  send: (to: string, emailToken: string) => Promise<void>,
): Promise<UserView> {
  const { email, ...rest } = input;
  const newEmail = normalizeEmail(email);
  const current = await db.user.findUnique({ where: { id }, select: { email: true } });
  if (!current) {
    throw notFound('User');
  }
  if (newEmail === current.email) {
    const [, user] = await db.$transaction([
      db.emailChange.deleteMany({ where: { userId: id } }),
      db.user.update({ where: { id }, data: internals.data(rest), select: userSelect }),
    ]);
    return internals.view(user);
  }
  await internals.assertEmailFree(db, newEmail, id);

  const emailToken = generateEmailToken();
  try {
    await send(newEmail, emailToken);
  } catch {
    throw new DomainError('unavailable', 'The confirmation email could not be sent, please retry shortly');
  }
  const pending = {
    newEmail,
    tokenHash: hashEmailToken(secret, newEmail, emailToken),
    expiration: new Date(Date.now() + EMAIL_TOKEN_TTL_MS),
    failedAttempts: 0,
    valid: true,
  };
  const [, user] = await db.$transaction([
    db.emailChange.upsert({ where: { userId: id }, create: { ...pending, userId: id }, update: pending, select: { id: true } }),
    db.user.update({ where: { id }, data: internals.data(rest), select: userSelect }),
  ]);
  return internals.view(user);
}

/**
 * Spends the mailed token: the pending address becomes the user's email, and every API token of the
 * user except `keepTokenId` (the session that confirmed) is revoked. 404 when nothing was ever
 * requested; 401 for a wrong, expired or spent token (5 wrong tries spend it); 409 when another
 * account took the address meanwhile (the unique index decides under races).
 */
export async function confirmEmailChange(db: Db, secret: string, id: number, emailToken: string, keepTokenId: number): Promise<UserView> {
  const change = await db.emailChange.findUnique({ where: { userId: id }, select: { id: true, newEmail: true } });
  if (!change) {
    throw new DomainError('notFound', 'No email change is pending for this user');
  }
  const confirmed = await db.$transaction(async (tx) => {
    const spent = await tx.emailChange.updateMany({
      where: { id: change.id, tokenHash: hashEmailToken(secret, change.newEmail, emailToken), valid: true, expiration: { gt: new Date() } },
      data: { valid: false },
    });
    if (spent.count !== 1) {
      return undefined;
    }
    await internals.assertEmailFree(tx, change.newEmail, id);
    const user = await tx.user.update({ where: { id }, data: { email: change.newEmail }, select: userSelect });
    // Sessions opened before the change (perhaps by someone who had the old address) end here,
    // and so do login tokens mailed to the old address.
    await tx.token.updateMany({ where: { userId: id, valid: true, NOT: { id: keepTokenId } }, data: { valid: false } });
    return user;
  });
  if (!confirmed) {
    await db.$transaction([
      db.emailChange.updateMany({ where: { id: change.id, valid: true }, data: { failedAttempts: { increment: 1 } } }),
      db.emailChange.updateMany({ where: { id: change.id, failedAttempts: { gte: MAX_FAILED_ATTEMPTS } }, data: { valid: false } }),
    ]);
    throw new DomainError('unauthorized', 'Invalid or expired email token');
  }
  return internals.view(confirmed);
}

/** Tokens, enrollments, feedback and received results cascade; graded results keep their grade (grader set to null). */
export async function deleteUser(db: Db, id: number): Promise<void> {
  await db.user.delete({ where: { id }, select: { id: true } });
}
