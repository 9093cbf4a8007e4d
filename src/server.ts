// Composition root: builds a Hapi server from a validated Config. Tests call createServer() and use
// server.inject(); src/index.ts adds the embedded database, start and graceful stop.
import Boom from '@hapi/boom';
import Hapi, { type Lifecycle, type Request, type RouteOptions, type Server, type ServerOptions as ServerOptionsOfHapi } from '@hapi/hapi';
import hapiPino from 'hapi-pino';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Config } from './config';
import { connectDatabase, type Db } from './db/prisma';
import { createLoginMailer, createReleaseNotifier, type LoginMailer, type ReleaseMailer } from './auth/email';
import { createRateLimiters, type RateLimiters } from './auth/rate-limit';
import { authStrategyPlugin, trackCredentialWrites, WriteClock } from './auth/strategy';
import { NotificationListener } from './db/notifications';
import { errorsPlugin } from './errors';
import { createLogger } from './logger';
import { authPlugin } from './plugins/auth';
import { domainPlugins } from './plugins/domain';
import { metricsPlugin } from './plugins/metrics';
import { statusPlugin } from './plugins/status';
import { usersPlugin } from './plugins/users';

declare module '@hapi/hapi' {
  interface ServerApplicationState {
    config: Config;
    db: Db;
    /** Token emails (login, email change); shared by the plugins that send them. */
    mailer: LoginMailer;
    /** Emails to the students of a released test, sent after the release, a few at a time. */
    releaseNotifier: ReleaseMailer;
    /** Rate limits (login, per-user writes): memory, or Redis shared by every instance when REDIS_URL is set. */
    rateLimits: RateLimiters;
    /** This process's LISTEN connection (src/db/notifications.ts); subscribe before the server starts. */
    notifications: NotificationListener;
    credentialWrites: WriteClock;
  }
}

export interface ServerOptions {
  /** An existing pino logger (index.ts shares its start-up logger); a new one otherwise. */
  readonly logger?: Logger;
  /** An existing Prisma client; one is created from config.databaseUrl otherwise. */
  readonly db?: Db;
}

const internals = {
  // Maximum request body. Every payload of this API is a small JSON document.
  maxPayloadBytes: 100 * 1024,

  // JSON in: any other body type is a 415 before the body is read. This also keeps hapi from
  // building a decompressor it then abandons (multipart + Content-Encoding: gzip with a corrupt body
  // emitted an unhandled 'error' and crashed the process: @hapi/subtext 8.1.3).
  payloadTypes: ['application/json'],

  // Security headers of a JSON API: no MIME sniffing, never framed, no Referer leaks; HSTS only in
  // production (behind Heroku's TLS; on plain-HTTP development hosts it would pin browsers to HTTPS).
  security(config: Config): RouteOptions['security'] {
    return {
      hsts: config.env === 'production' ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      xframe: 'deny',
      noSniff: true,
      referrer: 'no-referrer',
      xss: 'disabled',
      noOpen: true,
    };
  },

  // CORS only for the origins in CORS_ORIGINS (off by default). Browsers may send the JWT in
  // Authorization and read the JWT that /authenticate returns in it, and 429's Retry-After.
  cors(config: Config): RouteOptions['cors'] {
    if (!config.corsOrigins.length) {
      return false;
    }
    return {
      origin: [...config.corsOrigins],
      credentials: false,
      maxAge: 600,
      additionalExposedHeaders: ['Authorization', 'Retry-After', 'Content-Disposition'],
    };
  },

  // A response that carries a JWT, or answers an authenticated request, must never be stored by a
  // browser or a proxy cache (hapi's default is no-cache, which still allows storing).
  noStore: ((request, h) => {
    const response = request.response;
    if (!response) {
      return h.continue;
    }
    const headers = Boom.isBoom(response) ? response.output.headers : response.headers;
    if (request.auth.isAuthenticated || headers.authorization !== undefined || headers.Authorization !== undefined) {
      if (Boom.isBoom(response)) {
        response.output.headers['cache-control'] = 'no-store'; // lower case: hapi copies these names as they are
      } else {
        response.header('Cache-Control', 'no-store');
      }
    }
    return h.continue;
  }) satisfies Lifecycle.Method,

  isServerError: (request: Request) => request.raw.res.statusCode >= 500,

  // hapi's load limits (src/config.ts `overload`), sampled every 100 ms (each sample reads process.memoryUsage(),
  // not free); 0 turns a limit off.
  load(config: Config): ServerOptionsOfHapi['load'] {
    const { maxEventLoopDelayMs, maxHeapUsedBytes, maxRssBytes } = config.overload;
    const any = maxEventLoopDelayMs || maxHeapUsedBytes || maxRssBytes;
    return { sampleInterval: any ? 100 : 0, maxEventLoopDelay: maxEventLoopDelayMs, maxHeapUsedBytes, maxRssBytes };
  },

  /** Waits for `work`, at most `ms`. */
  settle: (work: Promise<unknown>, ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      void work.finally(() => {
        clearTimeout(timer);
        resolve();
      });
    }),

  // One validation policy for every route: a 400 naming the field at fault.
  failValidation: ((_request, _h, err) => {
    if (!err) {
      throw new Error('validation failed without an error');
    }
    internals.boundEcho(err);
    throw err;
  }) satisfies Lifecycle.Method,

  // A 400 echoes the offending key in `message` and `validation.keys`. A payload may hold a key of
  // any length up to maxPayloadBytes (found by fuzzing): clip the echo to the documented Error schema.
  boundEcho(err: Error): void {
    const payload = (err as Partial<Boom.Boom>).output?.payload as { message?: string; validation?: { keys?: string[] } } | undefined;
    if (!payload) {
      return;
    }
    if (typeof payload.message === 'string') {
      payload.message = internals.clip(payload.message, 500);
    }
    if (Array.isArray(payload.validation?.keys)) {
      payload.validation.keys = payload.validation.keys.map((key) => internals.clip(key, 200));
    }
  },

  clip(text: string, max: number): string {
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
  },
  hapiServer(config: Config): Server {
    return Hapi.server({
      host: config.host,
      port: config.port,
      debug: false,
      router: { stripTrailingSlash: true },
      load: internals.load(config),
      routes: {
        validate: { failAction: internals.failValidation, options: { abortEarly: true } },
        response: { emptyStatusCode: 204, sample: config.responseValidationPercent },
        payload: { maxBytes: internals.maxPayloadBytes, allow: internals.payloadTypes },
        security: internals.security(config),
        cors: internals.cors(config),
      },
    });
  },

  async mailAndRateLimits(server: Server, config: Config, logger: Logger): Promise<void> {
    server.app.mailer = createLoginMailer(config, logger);
    server.app.releaseNotifier = createReleaseNotifier(server.app.mailer, logger);
    // A graceful stop lets release emails already queued finish (each send times out after 5 s).
    server.ext('onPreStop', () => internals.settle(server.app.releaseNotifier.idle(), 10_000));
    server.app.rateLimits = createRateLimiters(config.redisUrl, config.rateLimitKeyPrefix);
    server.ext('onPostStop', () => server.app.rateLimits.close());
    // Counting in memory while Redis connects would split the budget between instances.
    if (!(await server.app.rateLimits.ready())) {
      logger.warn('REDIS_URL does not answer: rate limits are per instance until it does');
    }
  },

  async registerPlugins(server: Server, config: Config, logger: Logger, pool: Pool | undefined): Promise<void> {
    await server.register({
      plugin: hapiPino,
      options: {
        instance: logger,
        // Probes are polled constantly; their completion lines would drown the log.
        ignorePaths: ['/', '/ready'],
        // Without LOG_REQUESTS (production's default) only server errors get a completion line.
        logRequestComplete: config.logRequests ? true : internals.isServerError,
      },
    });
    await server.register({ plugin: errorsPlugin, options: { retryAfterSeconds: config.overload.retryAfterSeconds } });
    await server.register([authStrategyPlugin, statusPlugin, authPlugin, usersPlugin]);
    await server.register(domainPlugins);
    await server.register({ plugin: metricsPlugin, options: { pool } });
  },
};

export async function createServer(config: Config, options: ServerOptions = {}): Promise<Server> {
  if (!config.databaseUrl) {
    throw new Error('createServer needs config.databaseUrl (src/index.ts starts the embedded database first)');
  }
  const database = options.db ? { db: options.db, pool: undefined } : connectDatabase(config.databaseUrl, config.db);
  const credentialWrites = new WriteClock();
  const db = trackCredentialWrites(database.db, credentialWrites);
  const logger = options.logger ?? createLogger(config.logLevel);
  const notifications = new NotificationListener({
    // LISTEN needs a session of its own: not through a transaction pooler.
    connectionString: config.databaseListenUrl ?? config.databaseUrl,
    applicationName: `grading-api listener ${process.pid}`,
    ...config.db.listener,
    logger,
  });

  const server = internals.hapiServer(config);
  server.app.config = config;
  server.app.db = db;
  server.app.notifications = notifications;
  server.app.credentialWrites = credentialWrites;
  // First of the onPreResponse steps: the error mapper (src/errors.ts) keeps this header when it
  // replaces a 500 with the error the client should see.
  server.ext('onPreResponse', internals.noStore);
  await internals.mailAndRateLimits(server, config, logger);
  await internals.registerPlugins(server, config, logger, database.pool);

  server.ext('onPostStop', async () => {
    await notifications.stop();
    await db.$disconnect();
  });
  // Subscribers are registered: connect now, so caches work from the first request (in the
  // background if the database is not reachable yet).
  await notifications.start();
  await server.initialize();
  return server;
}
