// Composition root: builds a Hapi server from a validated Config. Tests call createServer() and use
// server.inject(); src/index.ts adds the embedded database, start and graceful stop.
import Hapi, { type Lifecycle, type RouteOptions, type Server } from '@hapi/hapi';
import hapiPino from 'hapi-pino';
import type { Logger } from 'pino';
import type { Config } from './config';
import { connectDatabase, type Db } from './db/prisma';
import { authStrategyPlugin } from './auth/strategy';
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

  // One validation policy for every route: a 400 naming the field at fault.
  failValidation: ((_request, _h, err) => {
    throw err;
  }) satisfies Lifecycle.Method,
};

export async function createServer(config: Config, options: ServerOptions = {}): Promise<Server> {
  if (!config.databaseUrl && !options.db) {
    throw new Error('createServer needs config.databaseUrl (src/index.ts starts the embedded database first)');
  }
  const database = options.db ? { db: options.db, pool: undefined } : connectDatabase(config.databaseUrl as string, config.db);
  const { db } = database;

  const server = Hapi.server({
    host: config.host,
    port: config.port,
    debug: false,
    router: { stripTrailingSlash: true },
    routes: {
      validate: { failAction: internals.failValidation, options: { abortEarly: true } },
      response: { emptyStatusCode: 204 },
      payload: { maxBytes: internals.maxPayloadBytes, allow: internals.payloadTypes },
      security: internals.security(config),
      cors: internals.cors(config),
    },
  });
  server.app.config = config;
  server.app.db = db;

  await server.register({
    plugin: hapiPino,
    options: {
      instance: options.logger ?? createLogger(config.logLevel),
      // Probes are polled constantly; their completion lines would drown the log.
      ignorePaths: ['/', '/ready'],
    },
  });
  await server.register([errorsPlugin, authStrategyPlugin, statusPlugin, authPlugin, usersPlugin]);
  await server.register(domainPlugins);
  await server.register({ plugin: metricsPlugin, options: { token: config.metricsToken, pool: database.pool } });

  server.ext('onPostStop', () => db.$disconnect());
  await server.initialize();
  return server;
}
