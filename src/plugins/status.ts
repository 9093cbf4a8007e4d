// Liveness and readiness probes. Both are public; only readiness touches the database.
import Boom from '@hapi/boom';
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';

export const statusPlugin: Plugin<void> = {
  name: 'status',
  register(server) {
    server.route([
      {
        method: 'GET',
        path: '/',
        options: {
          auth: false,
          description: 'Liveness: the process answers (no database involved)',
          tags: ['api', 'status'],
          response: { schema: Joi.object({ up: Joi.boolean().required() }).label('Liveness') },
        },
        handler: () => ({ up: true }),
      },
      {
        method: 'GET',
        path: '/ready',
        options: {
          auth: false,
          description: 'Readiness: the database answers a query',
          tags: ['api', 'status'],
          response: { schema: Joi.object({ db: Joi.string().valid('up').required() }).label('Readiness') },
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
      },
    ]);
  },
};
