// Passwordless login: email tokens (hashed, 10 minutes, single use, 5 wrong guesses invalidate
// them) traded for revocable API tokens referenced by a JWT.
import type { Config } from '../config';
import type { Db } from '../db/prisma';
import { API_TOKEN_TTL_MS, EMAIL_TOKEN_TTL_MS, generateEmailToken, hashEmailToken, signApiJwt } from '../auth/tokens';
import { DomainError } from './errors';

export const MAX_FAILED_ATTEMPTS = 5;

export interface IssuedJwt {
  readonly token: string;
  readonly expiresAt: Date;
  readonly userId: number;
  /** This login changed the user's isAdmin (ADMIN_EMAILS gained or lost their address). */
  readonly adminChanged: boolean;
}

const internals = {
  invalidCredentials: () => new DomainError('unauthorized', 'Invalid or expired email token'),
};

/** Emails are compared case-insensitively: stored trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Creates the user if new and a fresh EMAIL token; returns the plain token for the mailer (only
 * its hash is stored) and the row id so a failed send can withdraw it.
 */
export async function createEmailToken(db: Db, secret: string, rawEmail: string): Promise<{ tokenId: number; emailToken: string }> {
  const email = normalizeEmail(rawEmail);
  const user = await db.user.upsert({ where: { email }, create: { email }, update: {}, select: { id: true } });
  const emailToken = generateEmailToken();
  const token = await db.token.create({
    data: {
      type: 'EMAIL',
      emailToken: hashEmailToken(secret, email, emailToken),
      expiration: new Date(Date.now() + EMAIL_TOKEN_TTL_MS),
      userId: user.id,
    },
    select: { id: true },
  });
  return { tokenId: token.id, emailToken };
}

/** A token whose email could not be sent must not stay usable. */
export async function withdrawEmailToken(db: Db, tokenId: number): Promise<void> {
  await db.token.deleteMany({ where: { id: tokenId } });
}

/**
 * Spends a matching, unused, unexpired email token and issues an API token + JWT. The spend is a
 * single conditional UPDATE, so two concurrent requests with one token yield exactly one JWT.
 */
export async function exchangeEmailToken(
  db: Db,
  config: Pick<Config, 'jwtSecret' | 'jwtKey' | 'adminEmails'>,
  rawEmail: string,
  emailToken: string,
): Promise<IssuedJwt> {
  const email = normalizeEmail(rawEmail);
  const now = new Date();
  const user = await db.user.findUnique({ where: { email }, select: { id: true, isAdmin: true } });
  if (!user) {
    throw internals.invalidCredentials();
  }

  const issued = await db.$transaction(async (tx) => {
    const spent = await tx.token.updateMany({
      where: {
        emailToken: hashEmailToken(config.jwtSecret, email, emailToken),
        userId: user.id,
        type: 'EMAIL',
        valid: true,
        expiration: { gt: now },
      },
      data: { valid: false },
    });
    if (spent.count !== 1) {
      return undefined;
    }
    // Admin is exactly "the email is in ADMIN_EMAILS now": recomputed at every login, both ways.
    const isAdmin = config.adminEmails.includes(email);
    if (user.isAdmin !== isAdmin) {
      await tx.user.update({ where: { id: user.id }, data: { isAdmin }, select: { id: true } });
    }
    const expiresAt = new Date(now.getTime() + API_TOKEN_TTL_MS);
    const apiToken = await tx.token.create({
      data: { type: 'API', userId: user.id, expiration: expiresAt },
      select: { id: true },
    });
    return { token: signApiJwt(config.jwtKey, apiToken.id, expiresAt), expiresAt, userId: user.id, adminChanged: user.isAdmin !== isAdmin };
  });

  if (!issued) {
    await recordFailedAttempt(db, user.id);
    throw internals.invalidCredentials();
  }
  return issued;
}

/** Counts a wrong guess against every outstanding email token; at the limit they all die. */
async function recordFailedAttempt(db: Db, userId: number): Promise<void> {
  const outstanding = { userId, type: 'EMAIL', valid: true } as const;
  await db.$transaction([
    db.token.updateMany({ where: outstanding, data: { failedAttempts: { increment: 1 } } }),
    db.token.updateMany({ where: { ...outstanding, failedAttempts: { gte: MAX_FAILED_ATTEMPTS } }, data: { valid: false } }),
  ]);
}

/** Logout: the API token stops authenticating at once. */
export async function revokeApiToken(db: Db, tokenId: number): Promise<void> {
  await db.token.updateMany({ where: { id: tokenId, type: 'API' }, data: { valid: false } });
}
