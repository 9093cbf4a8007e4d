// OpenAPI 3.0 from the routes' own Joi schemas and documented() options (src/plugins/route.ts):
// the document at /openapi.json, the UI at /documentation (both public). /swagger.json, the old
// Swagger 2.0 address, redirects to /openapi.json. Routes appear when tagged 'api'.
import Inert from '@hapi/inert';
import Vision from '@hapi/vision';
import type { Plugin, Request, RequestRoute, ResponseObject } from '@hapi/hapi';
import HapiSwagger from 'hapi-swagger';
import { route } from './route';

interface Operation {
  summary?: string;
  description?: string;
  security?: unknown[];
  parameters?: Parameter[];
  responses?: Record<string, { content?: Record<string, { schema?: unknown } | undefined> }>;
}
interface Spec {
  servers?: Array<Record<string, unknown>>;
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, SchemaObject> };
}
interface SchemaObject {
  format?: string;
  maxLength?: number;
  properties?: Record<string, SchemaObject>;
  additionalProperties?: unknown;
  items?: SchemaObject;
  example?: unknown;
}
interface Parameter {
  in: string;
  example?: unknown;
  schema?: SchemaObject;
}

const OPENAPI_PATH = '/openapi.json';

const internals = {
  options: {
    OAS: 'v3.0',
    info: {
      title: 'Grading API',
      version: '1.0.0',
      contact: { name: 'Grading API maintainers (see the README)' },
      description:
        'Courses, enrollments, tests, results, statistics and feedback. Log in with POST /login and POST /authenticate, then send the JWT in the `Authorization` header (`Bearer <jwt>`; the bare JWT is accepted too). Errors are JSON: `{ statusCode, error, message }`.',
    },
    documentationPath: '/documentation',
    jsonPath: OPENAPI_PATH,
    grouping: 'tags',
    sortEndpoints: 'ordered',
    securityDefinitions: {
      jwt: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'The JWT from POST /authenticate (HS256, expires after 12 hours, revoked by POST /logout; following RFC8725 JWT best practices).',
      },
    },
    security: [{ jwt: [] }],
    tags: [
      { name: 'status', description: 'Liveness, readiness and metrics' },
      { name: 'auth', description: 'Passwordless login: an emailed token traded for a JWT' },
      { name: 'users', description: 'Accounts' },
      { name: 'courses', description: 'Courses and their tests' },
      { name: 'enrollment', description: 'Who takes or teaches which course' },
      { name: 'tests', description: 'Tests of a course' },
      { name: 'test-results', description: "Students' results of tests, in per mille (875 = 87.5 %)" },
      { name: 'reports', description: 'Test statistics and course gradebooks' },
      { name: 'feedback', description: "Students' feedback on courses" },
    ],
  } as HapiSwagger.RegisterOptions,

  /** hapi appends `; charset=utf-8` to every type it sends that has no charset. */
  servedType(type: string): string {
    return /;\s*charset=/i.test(type) ? type : `${type}; charset=utf-8`;
  },

  /** What hapi-swagger cannot say from route options: public operations, non-JSON media types. */
  complete(request: Request): void {
    const spec = (request.response as ResponseObject).source as Spec | null;
    if (!spec?.paths) {
      return;
    }
    for (const route of request.server.table()) {
      const operation = spec.paths[route.path]?.[route.method];
      if (operation) {
        internals.completeOperation(route, operation);
      }
    }
    // Relative, so the document describes whichever server serves it (http in development, https
    // behind Heroku's router); public, not internal (OWASP API9, inventory). hapi-swagger only takes
    // absolute URLs.
    spec.servers = [{ url: '/', description: 'The server that serves this document (local, staging or production)', 'x-internal': false }];
    for (const schema of Object.values(spec.components?.schemas ?? {})) {
      internals.patternsAsMaps(schema);
    }
  },

  /**
   * hapi-swagger renders `Joi.object().pattern(Joi.string(), value)` (a map such as `social` or the
   * gradebook's `results`) as one property named "string"; OpenAPI says that with additionalProperties.
   */
  patternsAsMaps(schema: SchemaObject): void {
    // ISO 8601 timestamps (`2026-01-15T09:00:00.000+05:30`) are at most 29 characters.
    if (schema.format === 'date-time' && schema.maxLength === undefined) {
      schema.maxLength = 30;
    }
    const names = Object.keys(schema.properties ?? {});
    if (names.length === 1 && names[0] === 'string' && schema.additionalProperties === undefined) {
      schema.additionalProperties = schema.properties?.string;
      delete schema.properties;
    }
    for (const child of [...Object.values(schema.properties ?? {}), schema.items]) {
      if (child) {
        internals.patternsAsMaps(child);
      }
    }
  },

  completeOperation(route: RequestRoute, operation: Operation): void {
    const isPublic = (route.settings.auth as unknown) === false;
    if (isPublic) {
      operation.security = [];
    }
    // The route's `description` is the summary; without `notes`, say who may call it.
    operation.description ??= `${operation.summary ?? ''}. ${isPublic ? 'Public: no token needed.' : 'Needs a JWT: `Authorization: Bearer <jwt>`.'}`;
    // Tools that fill in path templates (Dredd, Swagger UI's "try it") read the parameter's example.
    for (const parameter of operation.parameters ?? []) {
      if (parameter.in === 'path' && parameter.example === undefined && parameter.schema?.example !== undefined) {
        parameter.example = parameter.schema.example;
      }
    }
    // hapi-swagger writes every body as application/json. The document names the Content-Type the
    // server really sends (tools such as Dredd compare it verbatim), and the other media types a
    // status answers with (CSV, Prometheus text: no schema, their format is in the description).
    const media = route.settings.plugins?.['grading-docs']?.media ?? {};
    for (const [status, response] of Object.entries(operation.responses ?? {})) {
      const json = response.content?.['application/json'];
      if (!json) {
        continue;
      }
      const types = media[Number(status)] ?? ['application/json'];
      response.content = Object.fromEntries(
        types.map((type) => [internals.servedType(type), type === 'application/json' ? json : {}] as const),
      );
    }
  },
};

const swaggerMoved = route({
  method: 'GET',
  path: '/swagger.json',
  options: { auth: false, description: 'Moved: the OpenAPI 3.0 document is at /openapi.json' },
  handler: (_request, h) => h.redirect(OPENAPI_PATH).permanent(),
});

export const docsPlugin: Plugin<void> = {
  name: 'docs',
  async register(server) {
    await server.register([Inert, Vision, { plugin: HapiSwagger, options: internals.options }]);
    server.route(swaggerMoved);
    server.ext('onPreResponse', (request, h) => {
      if (request.path === OPENAPI_PATH && request.response && !('isBoom' in request.response && request.response.isBoom)) {
        internals.complete(request);
      }
      return h.continue;
    });
  },
};
