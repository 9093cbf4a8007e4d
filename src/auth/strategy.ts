// JWT authentication (hapi-auth-jwt2), the default for every route that does not say `auth: false`.
// Each request checks the stored API token the JWT points at and loads, in one SQL statement, who
// the caller is (user id, isAdmin). A small in-process cache keeps those credentials, so a repeat
// request with the same token runs no SQL for authentication. Course roles are NOT cached: every
// policy that needs one reads it with the request's own loader query (src/auth/policies.ts).
//
// Staleness (docs/scaling.md): database triggers NOTIFY "credentials_changed" when a token is revoked
// or deleted, a user is deleted or their isAdmin/email changes (prisma/migrations/*_credentials_notify);
// every instance evicts on receipt (milliseconds). A request that changed those rows itself answers
// only after this instance has processed its own notifications (read-your-writes, no handler calls).
// While the LISTEN connection is down nothing is cached (every request reads the database) and the
// cache starts empty once it listens again. AUTH_CACHE_TTL_MS remains a backstop.
import type { Plugin } from '@hapi/hapi';
import hapiAuthJwt2 from 'hapi-auth-jwt2';
import type { NotificationListener } from '../db/notifications';
import type { Db } from '../db/prisma';
import type { JwtPayload } from './tokens';

export interface Credentials {
  readonly userId: number;
  readonly tokenId: number;
  readonly isAdmin: boolean;
}

declare module '@hapi/hapi' {
  interface AuthCredentials extends Credentials {}
  interface ServerApplicationState {
    /** Evicted by the "credentials_changed" notifications only (see the header of this file). */
    credentialsCache: CredentialsCache;
  }
}

/** The notification channel of prisma/migrations/*_credentials_notify. */
const CREDENTIALS_CHANNEL = 'credentials_changed';

/** When this process last wrote rows that back cached credentials (see trackCredentialWrites). */
export class WriteClock {
  lastWriteAt = 0;
}

/**
 * The Prisma client, counting writes to the rows behind credentials (tokens, users): a request that
 * made one waits, before answering, for this instance's own notifications (onPreResponse below), so
 * its next request here sees the change. Whatever the code path (service, transaction, cascade) the
 * triggers announce the change; this only tells the instance that it should wait for the announcement.
 */
export function trackCredentialWrites(db: Db, clock: WriteClock): Db {
  const tick = <A, R>({ args, query }: { args: A; query: (args: A) => Promise<R> }): Promise<R> => {
    clock.lastWriteAt = Date.now();
    return query(args);
  };
  const writes = { update: tick, updateMany: tick, upsert: tick, delete: tick, deleteMany: tick };
  // A query-only extension keeps every method's signature: the result is still used as a Db.
  return db.$extends({ query: { token: writes, user: writes } }) as Db;
}

/**
 * tokenId → credentials, for at most `ttlMs` (80–100 % of it, spread at random) and never past the
 * token's own expiration, bounded to `maxEntries` with least-recently-used eviction (a Map iterates
 * in insertion order). Suspended (nothing cached, nothing served from it) until resume(): while no
 * notification can reach it.
 */
export class CredentialsCache {
  private readonly entries = new Map<number, { credentials: Credentials; expiresAt: number }>();
  /** Loads in flight: concurrent misses for one token (e.g. when its entry expires under load) share one query. */
  private readonly loading = new Map<number, Promise<Credentials | undefined>>();
  /** Bumped by every eviction: a load that started before one must not cache what it read. */
  private generation = 0;
  private active = false;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  /** Notifications reach this instance again: start caching, from empty (some may have been missed). */
  resume(): void {
    this.clear();
    this.active = true;
  }

  /** Notifications may not reach this instance: forget everything and stop caching. */
  suspend(): void {
    this.active = false;
    this.clear();
  }

  get caching(): boolean {
    return this.active && this.ttlMs > 0;
  }

  get(tokenId: number): Credentials | undefined {
    if (!this.active) {
      return undefined;
    }
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
  load(
    tokenId: number,
    load: () => Promise<{ credentials: Credentials; tokenExpiresAt: Date } | undefined>,
  ): Promise<Credentials | undefined> {
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
    if (loaded && this.caching && generation === this.generation) {
      this.entries.set(tokenId, {
        credentials: loaded.credentials,
        // Up to 20 % shorter at random: entries loaded together (a restart, a burst of logins) must
        // not all expire together and reload in one storm of misses. Never longer than the TTL.
        expiresAt: Math.min(Date.now() + this.ttlMs * (1 - 0.2 * Math.random()), loaded.tokenExpiresAt.getTime()),
      });
      if (this.entries.size > this.maxEntries) {
        this.entries.delete(this.entries.keys().next().value as number);
      }
    }
    return loaded?.credentials;
  }

  /** A token was revoked, deleted or changed. */
  evictToken(tokenId: number): void {
    this.generation++;
    this.entries.delete(tokenId);
    this.loading.clear(); // later requests must not join a load that read the row before the change
  }

  /** A user was deleted or their isAdmin changed. */
  evictUser(userId: number): void {
    this.generation++;
    this.loading.clear();
    for (const [tokenId, entry] of this.entries) {
      if (entry.credentials.userId === userId) {
        this.entries.delete(tokenId);
      }
    }
  }

  clear(): void {
    this.generation++;
    this.loading.clear();
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

const internals = {
  async loadCredentials(db: Db, tokenId: number) {
    // One statement on a cache miss: the token is valid and whose it is.
    const rows = await db.$queryRaw<Array<{ userId: number; isAdmin: boolean; expiration: Date }>>`
      SELECT u."id" AS "userId", u."isAdmin", t."expiration"
      FROM "tokens" t
      JOIN "users" u ON u."id" = t."userId"
      WHERE t."id" = ${tokenId} AND t."type" = 'API' AND t."valid" AND t."expiration" > now()`;
    const row = rows[0];
    return (
      row && {
        credentials: { userId: row.userId, tokenId, isAdmin: row.isAdmin } satisfies Credentials,
        tokenExpiresAt: row.expiration,
      }
    );
  },

  /** Caches only while the listener listens (it starts suspended); evicts what each notification names. */
  evictOnNotifications(cache: CredentialsCache, notifications: NotificationListener): void {
    notifications.onStatus((listening) => (listening ? cache.resume() : cache.suspend()));
    if (notifications.listening) {
      cache.resume();
    }
    notifications.subscribe(CREDENTIALS_CHANNEL, (payload) => {
      const changed = JSON.parse(payload) as { token?: number; user?: number; all?: boolean };
      if (changed.token !== undefined) {
        cache.evictToken(changed.token);
      } else if (changed.user !== undefined) {
        cache.evictUser(changed.user);
      } else {
        cache.clear();
      }
    });
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
    const { db, config, notifications, credentialWrites } = server.app;
    const cache = new CredentialsCache(config.authCache.ttlMs, config.authCache.maxEntries);
    server.app.credentialsCache = cache;
    internals.evictOnNotifications(cache, notifications);
    // Read-your-writes: a request that changed tokens or users answers after this instance evicted.
    server.ext('onPreResponse', (request, h) =>
      credentialWrites.lastWriteAt >= request.info.received ? notifications.fence().then(() => h.continue) : h.continue,
    );
    server.auth.strategy('jwt', 'jwt', {
      key: config.jwtKey,
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
