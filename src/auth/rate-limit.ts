// Per-IP and per-email limits for the login endpoints (rate-limiter-flexible): in process memory
// by default, in Redis when REDIS_URL is set so every dyno shares the same counters.
import Boom from '@hapi/boom';
import type { Request } from '@hapi/hapi';
import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface Limit {
  readonly name: string;
  readonly points: number;
  readonly durationSeconds: number;
}

/** Attempts allowed per window. Generous for people, tight for scripts guessing 10^8 tokens. */
export const LIMITS = {
  loginPerIp: { name: 'login-ip', points: 30, durationSeconds: 15 * 60 },
  loginPerEmail: { name: 'login-email', points: 5, durationSeconds: 15 * 60 },
  authenticatePerIp: { name: 'auth-ip', points: 60, durationSeconds: 15 * 60 },
  // Lock-out is counted per (email, address): a stranger's wrong tokens block the stranger, not the
  // owner. The per-email ceiling above it still bounds guessing spread over many addresses.
  authenticatePerEmailAndIp: { name: 'auth-email-ip', points: 10, durationSeconds: 15 * 60 },
  authenticatePerEmail: { name: 'auth-email', points: 100, durationSeconds: 15 * 60 },
  // Writes that create things for or about other users (src/auth/policies.ts: limitWritesForOthers).
  // No real teacher makes 300 of them in 15 minutes; a script harvesting the user directory does.
  writesForOthersPerUser: { name: 'writes-for-others', points: 300, durationSeconds: 15 * 60 },
  // Confirmation mails of email changes a user may trigger: each goes to an address they typed.
  emailChangeMailsPerUser: { name: 'email-change-user', points: 5, durationSeconds: 15 * 60 },
} satisfies Record<string, Limit>;

export interface RateLimiters {
  readonly store: 'memory' | 'redis';
  /** Consumes one point of each `[limit, key]`; throws a 429 Boom with Retry-After when one is exhausted. */
  consume(...checks: Array<[Limit, string]>): Promise<void>;
  /** Resolves once Redis is connected (true), or false when it did not answer in time. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

export function createRateLimiters(redisUrl: string | undefined, keyPrefix = 'rl'): RateLimiters {
  const redis = redisUrl
    ? new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, lazyConnect: false })
    : undefined;
  // Without this listener an unreachable Redis is an unhandled 'error' event; the insurance
  // limiter below keeps limits in force meanwhile.
  redis?.on('error', () => undefined);

  const limiters = new Map<string, RateLimiterAbstract>();
  const limiterFor = (limit: Limit): RateLimiterAbstract => {
    let limiter = limiters.get(limit.name);
    if (!limiter) {
      const options = { keyPrefix: `${keyPrefix}:${limit.name}`, points: limit.points, duration: limit.durationSeconds };
      limiter = redis
        ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: new RateLimiterMemory(options) })
        : new RateLimiterMemory(options);
      limiters.set(limit.name, limiter);
    }
    return limiter;
  };

  return {
    store: redis ? 'redis' : 'memory',
    async consume(...checks) {
      for (const [limit, key] of checks) {
        try {
          await limiterFor(limit).consume(key);
        } catch (rejection: unknown) {
          if (!(rejection instanceof RateLimiterRes)) {
            throw rejection;
          }
          const error = Boom.tooManyRequests('Too many attempts, please retry later');
          error.output.headers['Retry-After'] = String(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
          throw error;
        }
      }
    },
    ready() {
      if (!redis || redis.status === 'ready') {
        return Promise.resolve(true);
      }
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), 3_000);
        redis.once('ready', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
    async close() {
      await redis?.quit().catch(() => undefined);
    },
  };
}

/** The client's address; behind Heroku's router (TRUST_PROXY) the last X-Forwarded-For hop. */
export function clientIp(request: Pick<Request, 'headers' | 'info'>, trustProxy: boolean): string {
  const forwarded = request.headers['x-forwarded-for'];
  if (trustProxy && typeof forwarded === 'string') {
    const hops = forwarded
      .split(',')
      .map((hop) => hop.trim())
      .filter(Boolean);
    if (hops.length) {
      return hops[hops.length - 1];
    }
  }
  return request.info.remoteAddress;
}
