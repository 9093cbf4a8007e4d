// Test users with real, stored API tokens and signed JWTs (the same rows /authenticate creates).
import { randomUUID } from 'node:crypto';
import type { Server } from '@hapi/hapi';
import { API_TOKEN_TTL_MS, signApiJwt } from '../../src/auth/tokens';

export interface TestUser {
  readonly id: number;
  readonly email: string;
  readonly jwt: string;
  /** Headers for server.inject: `{ authorization: 'Bearer <jwt>' }`. */
  readonly headers: { authorization: string };
}

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@example.com`;
}

export async function createUser(server: Server, options: { isAdmin?: boolean; email?: string } = {}): Promise<TestUser> {
  const { db, config } = server.app;
  const email = options.email ?? uniqueEmail(options.isAdmin ? 'admin' : 'user');
  const user = await db.user.create({
    data: { email, firstName: 'Test', lastName: 'User', isAdmin: options.isAdmin ?? false },
    select: { id: true },
  });
  const expiration = new Date(Date.now() + API_TOKEN_TTL_MS);
  const token = await db.token.create({ data: { type: 'API', userId: user.id, expiration }, select: { id: true } });
  const jwt = signApiJwt(config.jwtSecret, token.id, expiration);
  return { id: user.id, email, jwt, headers: { authorization: `Bearer ${jwt}` } };
}

/** `count` ordinary users (no admin), created concurrently. */
export function createUsers(server: Server, count: number): Promise<TestUser[]> {
  return Promise.all(Array.from({ length: count }, () => createUser(server)));
}
