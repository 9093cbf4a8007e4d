// Login and API tokens: generation, hashing and JWT signing. No Hapi, no database.
import { createHmac, createSecretKey, randomInt, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

export const EMAIL_TOKEN_TTL_MS = 10 * 60 * 1000;
export const API_TOKEN_TTL_MS = 12 * 60 * 60 * 1000;

/** What a JWT of this API carries: the id of a stored, revocable API token. */
export interface JwtPayload {
  readonly tokenId: number;
}

/** 8 digits from a cryptographically secure source, leading zeros kept. */
export function generateEmailToken(): string {
  return String(randomInt(0, 100_000_000)).padStart(8, '0');
}

/**
 * What is stored instead of the emailed token. Keyed by the server secret so a leaked table
 * cannot be brute-forced offline over the 10^8 possible tokens, and salted with the email so two
 * users who receive the same digits never collide on the unique column.
 */
export function hashEmailToken(secret: string, email: string, emailToken: string): string {
  return createHmac('sha256', secret).update(`${email}\n${emailToken}`).digest('hex');
}

/**
 * The HMAC key of the JWTs, built once. jsonwebtoken 9 handed a *string* first tries to parse it as
 * a PEM key on every sign/verify, fails, and only then uses it as a secret: a quarter of the CPU of
 * an authenticated request. A KeyObject skips all of that.
 */
export function jwtKeyFrom(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}

export function signApiJwt(key: KeyObject | string, tokenId: number, expiresAt: Date): string {
  const payload: JwtPayload = { tokenId };
  return jwt.sign(payload, key, {
    algorithm: 'HS256',
    noTimestamp: false,
    expiresIn: Math.max(1, Math.floor((expiresAt.getTime() - Date.now()) / 1000)),
  });
}
