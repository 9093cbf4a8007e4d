// OpenAPI (Swagger 2.0) from the routes' own Joi schemas: the UI at /documentation, the spec at
// /swagger.json (both public). Routes appear when tagged 'api'.
import Inert from '@hapi/inert';
import Vision from '@hapi/vision';
import type { Plugin, Request, ResponseObject } from '@hapi/hapi';
import HapiSwagger from 'hapi-swagger';

const internals = {
  jsonPath: '/swagger.json',

  options: {
    info: {
      title: 'Grading API',
      version: '1.0.0',
      description:
        'Courses, enrollments, tests, results, statistics and feedback. Log in with POST /login and POST /authenticate, then send the JWT in the `Authorization` header (with or without `Bearer `).',
    },
    documentationPath: '/documentation',
    jsonPath: '/swagger.json',
    grouping: 'tags',
    sortEndpoints: 'ordered',
    securityDefinitions: { jwt: { type: 'apiKey', name: 'Authorization', in: 'header' } },
    security: [{ jwt: [] }],
    tags: [
      { name: 'status', description: 'Liveness and readiness probes' },
      { name: 'courses', description: 'Courses and their tests' },
      { name: 'enrollment', description: 'Who takes or teaches which course' },
      { name: 'tests', description: 'Tests of a course' },
      { name: 'test-results', description: "Students' results of tests, in per mille (875 = 87.5 %)" },
      { name: 'reports', description: 'Test statistics and course gradebooks' },
      { name: 'feedback', description: "Students' feedback on courses" },
    ],
  } satisfies HapiSwagger.RegisterOptions,

  /** Public routes (`auth: false`) need no token: say so in their operations. */
  markPublicOperations(request: Request): void {
    const response = request.response as ResponseObject;
    const spec = response.source as { paths?: Record<string, Record<string, { security?: unknown[] }>> } | null;
    if (!spec?.paths) {
      return;
    }
    for (const route of request.server.table()) {
      const operation = spec.paths[route.path]?.[route.method];
      if (operation && (route.settings.auth as unknown) === false) {
        operation.security = [];
      }
    }
  },
};

export const docsPlugin: Plugin<void> = {
  name: 'docs',
  async register(server) {
    await server.register([Inert, Vision, { plugin: HapiSwagger, options: internals.options }]);
    server.ext('onPreResponse', (request, h) => {
      if (request.path === internals.jsonPath && request.response && !('isBoom' in request.response && request.response.isBoom)) {
        internals.markPublicOperations(request);
      }
      return h.continue;
    });
  },
};
