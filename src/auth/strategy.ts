// JWT authentication (hapi-auth-jwt2), the default for every route that does not say `auth: false`.
// Each request checks the stored API token the JWT points at and loads, in one SQL statement,
// everything the authorization policies need. A small in-process cache keeps those credentials
// for a short TTL, so a repeat request with the same token runs no SQL for authentication.
//
// Staleness bound: on the instance where it happens, logout evicts the token and an enrollment
// change (or account deletion) evicts that user's entries at once (see CredentialsCache callers).
// On OTHER instances a revoked token, a deleted account or a changed teacherOf is honoured within
// the TTL (AUTH_CACHE_TTL_MS, default 30 s; 0 disables the cache).
import type { Plugin } from '@hapi/hapi';
import hapiAuthJwt2 from 'hapi-auth-jwt2';
import type { Db } from '../db/prisma';
import type { JwtPayload } from './tokens';

export interface Credentials {
  readonly userId: number;
  readonly tokenId: number;
  readonly isAdmin: boolean;
  /** Ids of the courses this user is a TEACHER of. */
  readonly teacherOf: readonly number[];
}

declare module '@hapi/hapi' {
  interface AuthCredentials extends Credentials {}
  interface ServerApplicationState {
    /** Evict entries after logout or an enrollment change (see the header of src/auth/strategy.ts). */
    credentialsCache: CredentialsCache;
  }
}

/**
 * tokenId → credentials, for at most `ttlMs` (and never past the token's own expiration), bounded
 * to `maxEntries` with least-recently-used eviction (a Map iterates in insertion order).
 */
export class CredentialsCache {
  private readonly entries = new Map<number, { credentials: Credentials; expiresAt: number }>();
  /** Loads in flight: concurrent misses for one token (e.g. when its entry expires under load) share one query. */
  private readonly loading = new Map<number, Promise<Credentials | undefined>>();
  /** Bumped by every eviction: a load that started before one must not cache what it read. */
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  get(tokenId: number): Credentials | undefined {
    const entry = this.entries.get(tokenId);
    if (!entry) {
      return undefined;
    }
    this.entries.delete(tokenId);
    if (entry.expiresAt <= Date.now()) {
      return undefined;
    }
    this.entries.set(tokenId, entry); // most recently used goes last
    return entry.credentials;
  }

  /** Loads through `load` on a miss; caches the result unless an eviction happened meanwhile. */
  load(tokenId: number, load: () => Promise<{ credentials: Credentials; tokenExpiresAt: Date } | undefined>): Promise<Credentials | undefined> {
    const cached = this.get(tokenId);
    if (cached) {
      return Promise.resolve(cached);
    }
    let pending = this.loading.get(tokenId);
    if (!pending) {
      const started: Promise<Credentials | undefined> = this.miss(tokenId, load).finally(() => {
        if (this.loading.get(tokenId) === started) {
          this.loading.delete(tokenId);
        }
      });
      pending = started;
      this.loading.set(tokenId, started);
    }
    return pending;
  }

  private async miss(tokenId: number, load: () => Promise<{ credentials: Credentials; tokenExpiresAt: Date } | undefined>) {
    const generation = this.generation;
    const loaded = await load();
    if (loaded && this.ttlMs > 0 && generation === this.generation) {
      this.entries.set(tokenId, {
        credentials: loaded.credentials,
        expiresAt: Math.min(Date.now() + this.ttlMs, loaded.tokenExpiresAt.getTime()),
      });
      if (this.entries.size > this.maxEntries) {
        this.entries.delete(this.entries.keys().next().value as number);
      }
    }
    return loaded?.credentials;
  }

  /** Logout: this token stops authenticating at once on this instance. */
  evictToken(tokenId: number): void {
    this.generation++;
    this.entries.delete(tokenId);
    this.loading.clear(); // later requests must not join a load that read the row before the change
  }

  /** Enrollment change or account deletion: the user's next request reloads teacherOf. */
  evictUser(userId: number): void {
    this.generation++;
    this.loading.clear();
    for (const [tokenId, entry] of this.entries) {
      if (entry.credentials.userId === userId) {
        this.entries.delete(tokenId);
      }
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

const internals = {
  async loadCredentials(db: Db, tokenId: number) {
    // One statement on a cache miss: token validity, the user and the courses they teach.
    const rows = await db.$queryRaw<Array<{ userId: number; isAdmin: boolean; teacherOf: number[]; expiration: Date }>>`
      SELECT u."id" AS "userId", u."isAdmin", t."expiration",
             COALESCE(array_agg(e."courseId") FILTER (WHERE e."courseId" IS NOT NULL), '{}') AS "teacherOf"
      FROM "tokens" t
      JOIN "users" u ON u."id" = t."userId"
      LEFT JOIN "course_enrollments" e ON e."userId" = u."id" AND e."role" = 'TEACHER'
      WHERE t."id" = ${tokenId} AND t."type" = 'API' AND t."valid" AND t."expiration" > now()
      GROUP BY u."id", t."id"`;
    const row = rows[0];
    return (
      row && {
        credentials: { userId: row.userId, tokenId, isAdmin: row.isAdmin, teacherOf: row.teacherOf } satisfies Credentials,
        tokenExpiresAt: row.expiration,
      }
    );
  },

  isPayload(decoded: unknown): decoded is JwtPayload {
    const tokenId = (decoded as Partial<JwtPayload> | null)?.tokenId;
    return Number.isInteger(tokenId) && (tokenId as number) > 0 && (tokenId as number) <= 2_147_483_647;
  },
};

export const authStrategyPlugin: Plugin<void> = {
  name: 'auth-strategy',
  async register(server) {
    await server.register(hapiAuthJwt2);
    const { db, config } = server.app;
    const cache = new CredentialsCache(config.authCache.ttlMs, config.authCache.maxEntries);
    server.app.credentialsCache = cache;
    server.auth.strategy('jwt', 'jwt', {
      key: config.jwtSecret,
      verifyOptions: { algorithms: ['HS256'] },
      // The Authorization header only: the plugin's defaults also read ?token= (which ends up in
      // access logs and browser history) and Cookie: token= (sent by browsers on their own: CSRF).
      urlKey: false,
      cookieKey: false,
      async validate(decoded: unknown) {
        if (!internals.isPayload(decoded)) {
          return { isValid: false };
        }
        const credentials = await cache.load(decoded.tokenId, () => internals.loadCredentials(db, decoded.tokenId));
        return credentials ? { isValid: true, credentials } : { isValid: false };
      },
    });
    server.auth.default('jwt');
  },
};
