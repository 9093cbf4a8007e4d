// Reads and validates the environment once. Nothing else in src/ reads process.env.
import type { KeyObject } from 'node:crypto';
import Joi from 'joi';
import { LOCAL_JWT_SECRET_FILE, loadOrCreateLocalSecret } from './auth/local-secret';
import { jwtKeyFrom } from './auth/tokens';

type NodeEnv = 'development' | 'production' | 'test';

export interface Config {
  readonly env: NodeEnv;
  readonly host: string;
  readonly port: number;
  /** Unset means: start the embedded PostgreSQL (src/db/embedded.ts) and use it. */
  readonly databaseUrl: string | undefined;
  /** For the LISTEN connection when DATABASE_URL is a transaction pooler (PgBouncer): a direct URL. */
  readonly databaseListenUrl: string | undefined;
  readonly db: {
    readonly poolSize: number;
    readonly connectTimeoutMs: number;
    readonly statementTimeoutMs: number;
    /** The LISTEN connection of src/db/notifications.ts (one per process, outside the pool). */
    readonly listener: { readonly heartbeatMs: number; readonly timeoutMs: number; readonly reconnectMaxMs: number };
  };
  /** Credentials cache of the JWT strategy (src/auth/strategy.ts); ttlMs 0 disables it. */
  readonly authCache: { readonly ttlMs: number; readonly maxEntries: number };
  readonly jwtSecret: string;
  /** jwtSecret as a KeyObject, built once: what signs and verifies the JWTs (see src/auth/tokens.ts). */
  readonly jwtKey: KeyObject;
  readonly logLevel: string;
  /**
   * A log line for every completed request. Off by default in production, where Heroku's router
   * already logs each request (method, path, status, time); errors are logged either way.
   */
  readonly logRequests: boolean;
  /**
   * Validate each response against its route's Joi schema in this percentage of requests (hapi's
   * `response.sample`). 100 outside production; 0 in production, where the check costs CPU on every
   * request and its only possible outcome is turning a response into a 500 (the tests validate all).
   */
  readonly responseValidationPercent: number;
  /**
   * Load shedding (hapi's `load` limits): past these, requests are answered 503 + Retry-After at once
   * instead of queueing. 0 disables a limit. Off in tests by default (a busy test machine is not an overload).
   */
  readonly overload: {
    readonly maxEventLoopDelayMs: number;
    readonly maxHeapUsedBytes: number;
    readonly maxRssBytes: number;
    readonly retryAfterSeconds: number;
  };
  readonly sendgrid: { readonly apiKey: string | undefined; readonly baseUrl: string | undefined };
  readonly emailFrom: string;
  readonly adminEmails: readonly string[];
  readonly redisUrl: string | undefined;
  /** Prefix of the rate-limit keys in Redis: instances of one deployment share it, others must not. */
  readonly rateLimitKeyPrefix: string;
  /** Behind a router that appends the client address to X-Forwarded-For (Heroku): use it for rate limits. */
  readonly trustProxy: boolean;
  /** Origins allowed to call the API from a browser (CORS); empty: CORS off (no CORS headers at all). */
  readonly corsOrigins: readonly string[];
  /** SEED_DEMO_DATA=true: src/index.ts upserts the demo data set (src/db/seed.ts) before listening. */
  readonly seedDemoData: boolean;
  /** Who may create courses (POST /courses): everyone (the tutorial's behaviour) or admins only. */
  readonly courseCreators: 'everyone' | 'admins';
  /** Bearer token that may read GET /metrics (a Prometheus scraper); admins may always. */
  readonly metricsToken: string | undefined;
  /** Human-readable notes for the log at start-up (e.g. the development JWT secret is in use). */
  readonly warnings: readonly string[];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The environment after validation and conversion: a variable added to the schema is added here too. */
interface Env {
  NODE_ENV: NodeEnv;
  HOST: string;
  PORT: number;
  DATABASE_URL?: string;
  DATABASE_LISTEN_URL?: string;
  DB_POOL_SIZE: number;
  DB_CONNECT_TIMEOUT_MS: number;
  DB_STATEMENT_TIMEOUT_MS: number;
  DB_LISTENER_HEARTBEAT_MS: number;
  DB_LISTENER_TIMEOUT_MS: number;
  DB_LISTENER_RECONNECT_MAX_MS: number;
  AUTH_CACHE_TTL_MS: number;
  AUTH_CACHE_MAX_ENTRIES: number;
  JWT_SECRET?: string;
  LOG_LEVEL?: string;
  SENDGRID_API_KEY?: string;
  SENDGRID_BASE_URL?: string;
  EMAIL_FROM: string;
  ADMIN_EMAILS: string;
  REDIS_URL?: string;
  RATE_LIMIT_KEY_PREFIX: string;
  TRUST_PROXY: boolean;
  CORS_ORIGINS: string[];
  SEED_DEMO_DATA: boolean;
  METRICS_TOKEN?: string;
  COURSE_CREATORS: 'everyone' | 'admins';
  LOG_REQUESTS?: boolean;
  RESPONSE_VALIDATION_PERCENT?: number;
  OVERLOAD_MAX_EVENT_LOOP_DELAY_MS?: number;
  OVERLOAD_MAX_HEAP_USED_MB: number;
  OVERLOAD_MAX_RSS_MB: number;
  OVERLOAD_RETRY_AFTER_SECONDS: number;
}

const internals = {
  minSecretLength: 32,
  // The event loop stalled this long means requests are queueing behind work the process cannot keep
  // up with (or a long GC): shed new ones for a moment rather than let every latency grow.
  defaultMaxEventLoopDelayMs: 200,

  schema: Joi.object<Env>({
    NODE_ENV: Joi.string().valid('development', 'production', 'test').default('development'),
    HOST: Joi.string().default('0.0.0.0'),
    PORT: Joi.number().port().default(3000),
    DATABASE_URL: Joi.string().uri({ scheme: ['postgres', 'postgresql'] }),
    DATABASE_LISTEN_URL: Joi.string().uri({ scheme: ['postgres', 'postgresql'] }),
    DB_POOL_SIZE: Joi.number().integer().min(1).max(100).default(10),
    DB_CONNECT_TIMEOUT_MS: Joi.number().integer().min(100).default(3000),
    DB_STATEMENT_TIMEOUT_MS: Joi.number().integer().min(100).default(10000),
    // Staleness bound of cached credentials when the LISTEN connection dies silently:
    // heartbeat + timeout (docs/scaling.md). A closed connection is noticed at once.
    DB_LISTENER_HEARTBEAT_MS: Joi.number().integer().min(100).max(60_000).default(5_000),
    DB_LISTENER_TIMEOUT_MS: Joi.number().integer().min(100).max(60_000).default(2_000),
    DB_LISTENER_RECONNECT_MAX_MS: Joi.number().integer().min(100).max(60_000).default(5_000),
    AUTH_CACHE_TTL_MS: Joi.number().integer().min(0).max(300_000).default(30_000),
    AUTH_CACHE_MAX_ENTRIES: Joi.number().integer().min(1).default(10_000),
    JWT_SECRET: Joi.string().min(32),
    LOG_LEVEL: Joi.string().valid('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
    LOG_REQUESTS: Joi.boolean(),
    RESPONSE_VALIDATION_PERCENT: Joi.number().min(0).max(100),
    OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: Joi.number().integer().min(0),
    OVERLOAD_MAX_HEAP_USED_MB: Joi.number().integer().min(0).default(0),
    OVERLOAD_MAX_RSS_MB: Joi.number().integer().min(0).default(0),
    OVERLOAD_RETRY_AFTER_SECONDS: Joi.number().integer().min(1).max(3600).default(1),
    SENDGRID_API_KEY: Joi.string(),
    SENDGRID_BASE_URL: Joi.string().uri({ scheme: ['http', 'https'] }),
    EMAIL_FROM: Joi.string().email({ tlds: false }).default('grading-api@example.com'),
    ADMIN_EMAILS: Joi.string().allow('').default(''),
    REDIS_URL: Joi.string().uri({ scheme: ['redis', 'rediss'] }),
    RATE_LIMIT_KEY_PREFIX: Joi.string()
      .pattern(/^[\w:.-]{1,64}$/)
      .default('rl'),
    TRUST_PROXY: Joi.boolean().default(false),
    // Comma-separated origins (`https://app.example.com,http://localhost:5173`) or `*`.
    CORS_ORIGINS: Joi.string()
      .custom((value: string, helpers) => {
        const origins = value
          .split(',')
          .map((origin) => origin.trim())
          .filter(Boolean);
        const valid = (origin: string) => origin === '*' || /^https?:\/\/[^/\s?#]+$/i.test(origin);
        const bad = origins.find((origin) => !valid(origin));
        return bad === undefined
          ? origins
          : helpers.message({ custom: `"CORS_ORIGINS" has an invalid origin "${bad}" (use scheme://host[:port], comma-separated, or *)` });
      })
      .default([]),
    SEED_DEMO_DATA: Joi.boolean().default(false),
    METRICS_TOKEN: Joi.string().min(16),
    COURSE_CREATORS: Joi.string().valid('everyone', 'admins').default('everyone'),
  })
    .unknown(true)
    .prefs({ convert: true, abortEarly: false }),

  // An empty variable (`FOO=`) means "unset", as most shells and Heroku treat it.
  withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
    return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== '')) as Record<string, string>;
  },
  /** Without JWT_SECRET: refused in production, else a random secret kept with the local data. */
  localJwtSecret(env: Env, file: string, warnings: string[]): string {
    if (env.NODE_ENV === 'production') {
      throw new ConfigError(`JWT_SECRET is required when NODE_ENV=production (at least ${internals.minSecretLength} characters)`);
    }
    warnings.push(`JWT_SECRET is not set: using the random secret kept in ${file}. Set JWT_SECRET on shared hosts.`);
    return loadOrCreateLocalSecret(file);
  },

  /** Settings that are fine on a laptop and dangerous in production: said loudly at start. */
  productionWarnings(env: Env): string[] {
    if (env.NODE_ENV !== 'production') {
      return [];
    }
    const warnings: string[] = [];
    if (!env.SENDGRID_API_KEY) {
      warnings.push(
        'SENDGRID_API_KEY is not set in production: LOGIN TOKENS ARE WRITTEN TO THE LOG, so anyone who can read the log can log in as any user. Set SENDGRID_API_KEY.',
      );
    }
    if (env.SEED_DEMO_DATA) {
      warnings.push('SEED_DEMO_DATA=true in production: the demo users (admin@example.com is an admin) are upserted at start.');
    }
    return warnings;
  },
};

export function loadConfig(
  processEnv: NodeJS.ProcessEnv = process.env,
  files: { readonly localJwtSecretFile: string } = { localJwtSecretFile: LOCAL_JWT_SECRET_FILE },
): Config {
  const result = internals.schema.validate(internals.withoutEmpty(processEnv));
  if (result.error) {
    throw new ConfigError(`Invalid configuration: ${result.error.details.map((detail) => detail.message).join('; ')}`);
  }
  const env = result.value;

  const nodeEnv = env.NODE_ENV;
  const warnings = internals.productionWarnings(env);
  const jwtSecret = env.JWT_SECRET ?? internals.localJwtSecret(env, files.localJwtSecretFile, warnings);

  return {
    env: nodeEnv,
    host: env.HOST,
    port: env.PORT,
    databaseUrl: env.DATABASE_URL,
    databaseListenUrl: env.DATABASE_LISTEN_URL,
    db: {
      poolSize: env.DB_POOL_SIZE,
      connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
      listener: {
        heartbeatMs: env.DB_LISTENER_HEARTBEAT_MS,
        timeoutMs: env.DB_LISTENER_TIMEOUT_MS,
        reconnectMaxMs: env.DB_LISTENER_RECONNECT_MAX_MS,
      },
    },
    authCache: { ttlMs: env.AUTH_CACHE_TTL_MS, maxEntries: env.AUTH_CACHE_MAX_ENTRIES },
    jwtSecret,
    jwtKey: jwtKeyFrom(jwtSecret),
    logLevel: env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    logRequests: env.LOG_REQUESTS ?? nodeEnv !== 'production',
    responseValidationPercent: env.RESPONSE_VALIDATION_PERCENT ?? (nodeEnv === 'production' ? 0 : 100),
    overload: {
      maxEventLoopDelayMs: env.OVERLOAD_MAX_EVENT_LOOP_DELAY_MS ?? (nodeEnv === 'test' ? 0 : internals.defaultMaxEventLoopDelayMs),
      maxHeapUsedBytes: env.OVERLOAD_MAX_HEAP_USED_MB * 1024 * 1024,
      maxRssBytes: env.OVERLOAD_MAX_RSS_MB * 1024 * 1024,
      retryAfterSeconds: env.OVERLOAD_RETRY_AFTER_SECONDS,
    },
    sendgrid: { apiKey: env.SENDGRID_API_KEY, baseUrl: env.SENDGRID_BASE_URL },
    emailFrom: env.EMAIL_FROM,
    adminEmails: env.ADMIN_EMAILS.split(',')
      .map((email) => email.trim().toLowerCase())
      .filter(Boolean),
    redisUrl: env.REDIS_URL,
    rateLimitKeyPrefix: env.RATE_LIMIT_KEY_PREFIX,
    trustProxy: env.TRUST_PROXY,
    corsOrigins: env.CORS_ORIGINS,
    seedDemoData: env.SEED_DEMO_DATA,
    metricsToken: env.METRICS_TOKEN,
    courseCreators: env.COURSE_CREATORS,
    warnings,
  };
}

/** For entry points: the config, or the reason it is invalid on stderr and exit code 1. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message} (environment variables: see "Configuration" in README.md)\n`);
      process.exit(1);
    }
    throw err;
  }
}
