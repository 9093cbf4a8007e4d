// Liveness and readiness probes. Both are public; only readiness touches the database.
import Boom from '@hapi/boom';
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import { documented, route } from './route';

const liveness = route({
  method: 'GET',
  path: '/',
  options: {
    description: 'Liveness: the process answers (no database involved)',
    ...documented('status', { 200: Joi.object({ up: Joi.boolean().required() }).label('Liveness') }, [], {
      public: true,
      database: false,
    }),
  },
  handler: () => ({ up: true }),
});

const readiness = route({
  method: 'GET',
  path: '/ready',
  options: {
    description: 'Readiness: the database answers a query',
    ...documented(
      'status',
      { 200: Joi.object({ db: Joi.string().valid('up').label('DatabaseStatus').required() }).label('Readiness') },
      [],
      { public: true },
    ),
  },
  async handler(request) {
    try {
      await request.server.app.db.$queryRaw`SELECT 1`;
    } catch (err) {
      request.log(['warn', 'ready'], { err });
      throw Boom.serverUnavailable('The database is unavailable');
    }
    return { db: 'up' };
  },
});

export const statusPlugin: Plugin<void> = {
  name: 'status',
  register(server) {
    server.route(liveness);
    server.route(readiness);
  },
};
