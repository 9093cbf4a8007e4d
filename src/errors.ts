// The one place where errors become HTTP responses. Routes and services throw; this maps
// domain errors, Prisma errors and database outages to Boom, and keeps 5xx details in the log.
import Boom from '@hapi/boom';
import type { Plugin, Request, ResponseToolkit } from '@hapi/hapi';
import { Prisma } from '@prisma/client';
import { DomainError, notFoundMessage, type Resource } from './services/errors';

/** What @prisma/adapter-pg reports about a failed statement. */
interface DriverCause {
  readonly kind?: string;
  readonly code?: string;
}

const internals = {
  domainToBoom: {
    notFound: Boom.notFound,
    conflict: Boom.conflict,
    invalid: Boom.badRequest,
    forbidden: Boom.forbidden,
    unauthorized: Boom.unauthorized,
    unavailable: Boom.serverUnavailable,
  } satisfies Record<DomainError['kind'], (message: string) => Boom.Boom>,

  // Prisma error codes (https://www.prisma.io/docs/orm/reference/error-reference) that mean
  // "the database cannot be reached or is overloaded right now".
  unavailableCodes: new Set(['P1001', 'P1002', 'P1008', 'P1011', 'P1017', 'P2024', 'P2037']),

  // node-postgres errors that never reach Prisma's mapping: pool timeouts and dropped sockets.
  unavailableMessages: [/timeout exceeded when trying to connect/i, /connection terminated/i, /Connection is closed/i],

  // Raw PostgreSQL SQLSTATE classes: 08 connection exception, 57 operator intervention (shutdown).
  unavailableSqlState: /^(08|57P)/,

  uniqueFields(error: Prisma.PrismaClientKnownRequestError): string {
    const target = (error.meta?.target ??
      (error.meta?.driverAdapterError as { cause?: { constraint?: { fields?: string[] } } })?.cause?.constraint?.fields) as
      string[] | string | undefined;
    if (!target) {
      return 'a unique field';
    }
    return Array.isArray(target) ? target.join(', ') : target;
  },

  // A row gone between a route's loader and its write (P2025) names its resource as the loader would.
  resources: {
    User: 'User',
    Course: 'Course',
    CourseEnrollment: 'Enrollment',
    Test: 'Test',
    TestResult: 'Test result',
  } satisfies Partial<Record<Prisma.ModelName, Resource>> as Partial<Record<string, Resource>>,

  fromPrisma(error: Prisma.PrismaClientKnownRequestError): Boom.Boom | undefined {
    switch (error.code) {
      case 'P2025':
      case 'P2001': {
        const resource = internals.resources[String(error.meta?.modelName)];
        return Boom.notFound(resource ? notFoundMessage(resource) : 'The requested resource does not exist');
      }
      case 'P2002':
        return Boom.conflict(`Conflict: a record with the same ${internals.uniqueFields(error)} already exists`);
      case 'P2010': {
        // A raw statement ($queryRaw) failed: the driver says why. A unique violation, or an outage:
        // PostgreSQL's own code (57P01 when the backend was terminated under it: failover,
        // pg_terminate_backend) or the adapter's kind (DatabaseNotReachable while it is down).
        const cause = (error.meta?.driverAdapterError as { cause?: DriverCause } | undefined)?.cause;
        if (cause?.kind === 'UniqueConstraintViolation') {
          return Boom.conflict(`Conflict: a record with the same ${internals.uniqueFields(error)} already exists`);
        }
        const sqlState = error.meta?.code;
        if (
          (cause && internals.isUnavailableCause(cause)) ||
          (typeof sqlState === 'string' && internals.unavailableSqlState.test(sqlState))
        ) {
          return internals.unavailable();
        }
        break;
      }
      case 'P2003':
        return Boom.conflict('Conflict: the operation refers to, or is referred to by, a record it cannot be applied to');
      case 'P2000':
        return Boom.badRequest('A value is too long for its field');
      case 'P2020':
        return Boom.badRequest('A value is out of range for its field');
      case 'P2034':
        return Boom.conflict('Conflict with a concurrent update, please retry');
    }
    return internals.unavailableCodes.has(error.code) ? internals.unavailable() : undefined;
  },

  unavailable(): Boom.Boom {
    const boom = Boom.serverUnavailable('The database is unavailable, please retry shortly');
    boom.output.headers['Retry-After'] = '5';
    return boom;
  },

  isUnavailable(error: Error & { code?: unknown; cause?: unknown }): boolean {
    if (error instanceof Prisma.PrismaClientInitializationError) {
      return true;
    }
    const cause = error.cause as DriverCause | undefined;
    if (typeof error.code === 'string' && internals.unavailableSqlState.test(error.code)) {
      return true;
    }
    if (cause && internals.isUnavailableCause(cause)) {
      return true;
    }
    return internals.unavailableMessages.some((pattern) => pattern.test(error.message));
  },

  /** A driver adapter's error cause: the connection failed or was lost (SQLSTATE class 08/57P, or its kind). */
  isUnavailableCause(cause: DriverCause): boolean {
    if (typeof cause.code === 'string' && internals.unavailableSqlState.test(cause.code)) {
      return true;
    }
    return !!cause.kind && ['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections'].includes(cause.kind);
  },
};

/** Maps any thrown value to the Boom error the client should see. */
function toBoom(error: unknown): Boom.Boom {
  if (error instanceof DomainError) {
    const boom = internals.domainToBoom[error.kind](error.message);
    Object.assign(boom.output.payload, error.details);
    return boom;
  }
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    const mapped = internals.fromPrisma(error);
    if (mapped) {
      return mapped;
    }
  }
  // A Boom built on purpose (404, 503, ...) passes; hapi's wrapping of an unknown error is a 500.
  if (Boom.isBoom(error) && error.output.statusCode !== 500) {
    return error;
  }
  if (error instanceof Error && internals.isUnavailable(error)) {
    return internals.unavailable();
  }
  // Anything else is a bug: a generic 500 for the client, the detail for the log.
  return Boom.internal();
}

/**
 * Server-wide: hapi turns anything a handler or `pre` throws into a 500 Boom that still carries the
 * original error. Re-map those here so no route needs its own try/catch.
 */
export const errorsPlugin: Plugin<{ retryAfterSeconds: number }> = {
  name: 'errors',
  register(server, { retryAfterSeconds }) {
    server.ext('onPreResponse', (request: Request, h: ResponseToolkit) => {
      const response = request.response;
      if (!Boom.isBoom(response)) {
        return h.continue;
      }
      // Every 503 says when to come back; hapi's own load-shedding 503 (src/config.ts `overload`) has none.
      if (response.output.statusCode === 503) {
        response.output.headers['Retry-After'] ??= String(retryAfterSeconds);
        return h.continue;
      }
      if (response.output.statusCode !== 500) {
        return h.continue;
      }
      const mapped = toBoom(response);
      // Headers set by an earlier step (Cache-Control: no-store) survive the mapping.
      mapped.output.headers = { ...response.output.headers, ...mapped.output.headers };
      if (mapped.isServer) {
        // The stack and the database's message stay in the log, never in the response.
        request.log(['error'], response); // an Error as data: pino's serializer keeps its message and stack
      }
      return mapped;
    });
  },
};
