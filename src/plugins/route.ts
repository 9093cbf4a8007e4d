// One line per route for what the OpenAPI document says about it: its tag, its success responses
// (schema, media type) and its error responses. The same success schemas validate the responses
// (hapi `response.status`), so the document cannot drift from what the handler returns.
//
//   options: { description: '…', ...documented('courses', { 200: courseSchema }, [404]), validate, pre }
//
// Implied by every route: 500 (a bug), 401 unless `public`, 503 unless `database: false`.
// Routes that read a body add BODY_ERRORS (400 bad JSON/validation, 413 too large, 415 not JSON).
// An error may carry its own description: `[401, 'Wrong or expired email token']`.
import type { Lifecycle, RouteOptions, RouteOptionsPreArray, ServerRoute } from '@hapi/hapi';
import Joi from 'joi';
import type { Loaded } from '../auth/policies';
import { errorSchema } from '../schemas/common';

export type ApiTag = 'status' | 'auth' | 'users' | 'courses' | 'enrollment' | 'tests' | 'test-results' | 'reports' | 'feedback';

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 503;

/** A success response: a JSON schema, a description only (no body), or the full form. */
export type Success =
  | Joi.Schema
  | string
  | {
      readonly description: string;
      /** The JSON body; validated on every response unless `media` lists other types too. */
      readonly schema?: Joi.Schema;
      /** Media types this status answers with (default: application/json); non-JSON ones are text. */
      readonly media?: readonly string[];
      /** Response headers, OpenAPI style: `{ 'Retry-After': { description, schema } }`. */
      readonly headers?: Record<string, unknown>;
    };

export interface DocumentedOptions {
  /** No token needed (`auth: false`): no 401. */
  readonly public?: boolean;
  /** Never touches the database: no 503. */
  readonly database?: boolean;
}

/** What a route with a JSON body can answer besides its own errors. */
export const BODY_ERRORS: readonly ErrorStatus[] = [400, 413, 415];

/** One entry of hapi-swagger's `responses`. */
interface ResponseDoc {
  readonly description: string;
  readonly schema?: Joi.Schema;
  readonly headers?: Record<string, unknown>;
}

/** What documented() leaves in `plugins['grading-docs']` for the docs plugin. */
interface RouteDocs {
  /** status → media types; statuses not listed answer JSON. */
  readonly media: Record<number, readonly string[]>;
}

declare module '@hapi/hapi' {
  interface PluginSpecificConfiguration {
    'grading-docs'?: RouteDocs;
  }
}

const internals = {
  errorDescriptions: {
    400: 'Bad request: malformed JSON or a validation failure (the message names the field)',
    401: 'Missing, invalid, expired or revoked token',
    403: 'Authenticated but not allowed',
    404: 'Not found',
    409: 'Conflict with an existing record',
    413: 'Request body larger than 100 KiB',
    415: 'Request body is not application/json',
    429: 'Too many requests: wait for the seconds in Retry-After',
    500: 'Unexpected server error (details only in the server log)',
    503: 'The database (or the email service) is unavailable: retry after the seconds in Retry-After',
  } satisfies Record<ErrorStatus, string>,

  successDescriptions: { 200: 'OK', 201: 'Created', 204: 'No content' } as Record<number, string>,

  retryAfter: {
    'Retry-After': {
      description: 'Seconds to wait before retrying',
      schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 86400 },
    },
  },

  normalize(
    status: number,
    success: Success,
  ): { description: string; schema?: Joi.Schema; media?: readonly string[]; headers?: Record<string, unknown> } {
    if (typeof success === 'string') {
      return { description: success };
    }
    if (Joi.isSchema(success)) {
      return { description: internals.successDescriptions[status] ?? 'OK', schema: success };
    }
    return success;
  },

  /** hapi-swagger's entries for the success statuses, their Joi validation, and their media types. */
  successResponses(successes: Record<number, Success>): {
    responses: Record<number, ResponseDoc>;
    validate: Record<number, Joi.Schema>;
    media: Record<number, readonly string[]>;
  } {
    const responses: Record<number, ResponseDoc> = {};
    const validate: Record<number, Joi.Schema> = {};
    const media: Record<number, readonly string[]> = {};
    for (const [code, success] of Object.entries(successes)) {
      const status = Number(code);
      const { description, schema, media: types, headers } = internals.normalize(status, success);
      responses[status] = { description, ...(schema ? { schema } : {}), ...(headers ? { headers } : {}) };
      if (types) {
        media[status] = types;
      }
      // Only a purely JSON answer can be validated by Joi (a CSV or text body is a string).
      if (schema && (!types || (types.length === 1 && types[0] === 'application/json'))) {
        validate[status] = schema;
      }
    }
    return { responses, validate, media };
  },

  /** hapi-swagger's entries for the error statuses: the implied ones and the route's own, by status. */
  errorResponses(
    errors: ReadonlyArray<ErrorStatus | readonly [ErrorStatus, string]>,
    options: DocumentedOptions,
  ): Record<number, ResponseDoc> {
    const implied: ErrorStatus[] = [500];
    if (!options.public) {
      implied.push(401);
    }
    if (options.database !== false) {
      implied.push(503);
    }
    const described = new Map<ErrorStatus, string>(implied.map((status) => [status, internals.errorDescriptions[status]]));
    for (const error of errors) {
      const [status, description] = typeof error === 'number' ? [error, internals.errorDescriptions[error]] : error;
      described.set(status, description);
    }
    const responses: Record<number, ResponseDoc> = {};
    for (const [status, description] of [...described].sort(([a], [b]) => a - b)) {
      responses[status] = {
        description,
        schema: errorSchema,
        ...(status === 429 || status === 503 ? { headers: internals.retryAfter } : {}),
      };
    }
    return responses;
  },
};

/**
 * Route options for a documented route: `tags`, `response.status` validation of JSON success
 * bodies, hapi-swagger's `responses`, and `auth: false` for public routes.
 */
export function documented(
  tag: ApiTag,
  successes: Record<number, Success>,
  errors: ReadonlyArray<ErrorStatus | readonly [ErrorStatus, string]> = [],
  options: DocumentedOptions = {},
): Pick<RouteOptions, 'tags' | 'response' | 'plugins'> & { auth?: false } {
  const { responses, validate, media } = internals.successResponses(successes);
  Object.assign(responses, internals.errorResponses(errors, options));
  const docs: RouteDocs = { media };
  return {
    tags: ['api', tag],
    ...(Object.keys(validate).length ? { response: { status: validate } } : {}),
    plugins: { 'hapi-swagger': { responses }, 'grading-docs': docs },
    ...(options.public ? { auth: false as const } : {}),
  };
}

// --- Typed route declarations ------------------------------------------------------------------

/** The names a route's pre steps assign on request.pre. */
type Assigned<Steps> = Steps extends readonly (infer S)[] ? (S extends { readonly assign?: infer A } ? A : never) : never;

/** A validated input of a route, or hapi's default type where the route validates none. */
type Input<Key extends string, T> = unknown extends T ? object : { [K in Key]: T };

/**
 * What a handler may read: the types of its validation schemas and of what its loaders assign.
 * An input the route does not validate keeps hapi's loose default (`params` values are `unknown`).
 */
export type RefsOf<Params, Query, Payload, Steps> = Input<'Params', Params> &
  Input<'Query', Query> &
  Input<'Payload', Payload> & { Pres: Pick<Loaded, Extract<Assigned<Steps>, keyof Loaded>> };

/** A `pre` entry: a loader or policy (src/auth/policies.ts), or a plain lifecycle method. */
type PreStep = { readonly method: unknown; readonly assign?: string } | ((...args: never[]) => unknown);

/** A route as declared: like hapi's ServerRoute, with `validate` and `pre` as the source of the handler's types. */
export interface RouteDefinition<Params, Query, Payload, Steps extends readonly PreStep[]> {
  readonly method: ServerRoute['method'];
  readonly path: string;
  readonly options: Omit<RouteOptions<RefsOf<Params, Query, Payload, Steps>>, 'validate' | 'pre' | 'handler'> & {
    readonly validate?: {
      readonly params?: Joi.ObjectSchema<Params>;
      readonly query?: Joi.ObjectSchema<Query>;
      readonly payload?: Joi.Schema<Payload>;
    };
    /** Loaders and policies; each step's own type says what it reads, checked against this route's inputs. */
    readonly pre?: Steps & RouteOptionsPreArray<RefsOf<Params, Query, Payload, Steps>>;
  };
  readonly handler: Lifecycle.Method<RefsOf<Params, Query, Payload, Steps>>;
}

/**
 * Declares a route whose handler is typed by its own validation: `request.params`, `.query` and
 * `.payload` have the types of the Joi schemas in `validate`, and `request.pre` those of the loaders in
 * `pre`. A handler cannot read an input the route does not validate or load.
 */
export function route<Params = unknown, Query = unknown, Payload = unknown, const Steps extends readonly PreStep[] = []>(
  definition: RouteDefinition<Params, Query, Payload, Steps>,
): ServerRoute<RefsOf<Params, Query, Payload, Steps>> {
  return definition;
}
