// Composition root: builds a Hapi server from a validated Config. Tests call createServer() and use
// server.inject(); src/index.ts adds the embedded database, start and graceful stop.
import Hapi, { type Lifecycle, type Server } from '@hapi/hapi';
import hapiPino from 'hapi-pino';
import type { Logger } from 'pino';
import type { Config } from './config';
import { createPrismaClient, type Db } from './db/prisma';
import { authStrategyPlugin } from './auth/strategy';
import { errorsPlugin } from './errors';
import { createLogger } from './logger';
import { authPlugin } from './plugins/auth';
import { domainPlugins } from './plugins/domain';
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

  // One validation policy for every route: a 400 naming the field at fault.
  failValidation: ((_request, _h, err) => {
    throw err;
  }) satisfies Lifecycle.Method,
};

export async function createServer(config: Config, options: ServerOptions = {}): Promise<Server> {
  if (!config.databaseUrl && !options.db) {
    throw new Error('createServer needs config.databaseUrl (src/index.ts starts the embedded database first)');
  }
  const db = options.db ?? createPrismaClient(config.databaseUrl as string, config.db);

  const server = Hapi.server({
    host: config.host,
    port: config.port,
    debug: false,
    router: { stripTrailingSlash: true },
    routes: {
      validate: { failAction: internals.failValidation, options: { abortEarly: true } },
      response: { emptyStatusCode: 204 },
      payload: { maxBytes: internals.maxPayloadBytes },
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

  server.ext('onPostStop', () => db.$disconnect());
  await server.initialize();
  return server;
}
