// GET /metrics in the Prometheus text format (prom-client): requests and latency per route,
// database pool usage, and Node's own process metrics. Readable with METRICS_TOKEN (for a scraper)
// or an admin's JWT.
import { timingSafeEqual } from 'node:crypto';
import Boom from '@hapi/boom';
import type { Plugin, Request } from '@hapi/hapi';
import Joi from 'joi';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { documented, route } from './route';

interface PoolStats {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}

export interface MetricsOptions {
  /** The database pool to report on. */
  readonly pool: PoolStats | undefined;
}

interface HttpMetrics {
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly duration: Histogram<'method' | 'route' | 'status'>;
}

declare module '@hapi/hapi' {
  interface PluginProperties {
    /** What GET /metrics reads: this server's registry (server.expose in register). */
    metrics: { readonly registry: Registry };
  }
}

const internals = {
  sameSecret(given: string, expected: string): boolean {
    const a = Buffer.from(given);
    const b = Buffer.from(expected);
    return a.length === b.length && timingSafeEqual(a, b);
  },

  bearer(request: Pick<Request, 'headers'>): string | undefined {
    const header = request.headers.authorization;
    return typeof header === 'string' ? header.replace(/^Bearer\s+/i, '') : undefined;
  },

  httpMetrics(registry: Registry): HttpMetrics {
    const labelNames = ['method', 'route', 'status'] as const;
    const requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames,
      registers: [registry],
    });
    const duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by route and status',
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    return { requests, duration };
  },

  poolMetrics(registry: Registry, pool: PoolStats): void {
    const poolGauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(read());
        },
      });
    poolGauge('db_pool_connections', 'Open database connections', () => pool.totalCount);
    poolGauge('db_pool_idle_connections', 'Idle database connections', () => pool.idleCount);
    poolGauge('db_pool_waiting_requests', 'Queries waiting for a database connection', () => pool.waitingCount);
  },

  observe({ requests, duration }: HttpMetrics, request: Request): void {
    // The route template, not the URL: bounded label values (unknown paths are one series).
    const route = request.route.path === '/{p*}' ? 'unmatched' : request.route.path;
    const status = Boom.isBoom(request.response) ? request.response.output.statusCode : (request.response?.statusCode ?? 0);
    const labels = { method: request.method.toUpperCase(), route, status: String(status) };
    requests.inc(labels);
    duration.observe(labels, (Date.now() - request.info.received) / 1000);
  },
};

const getMetrics = route({
  method: 'GET',
  path: '/metrics',
  options: {
    // A scraper's static token or an admin's JWT; checked here because the token is no JWT.
    auth: { mode: 'try' },
    description: 'Prometheus metrics (METRICS_TOKEN bearer, or an admin)',
    ...documented(
      'status',
      {
        200: {
          description: 'The Prometheus text exposition format, version 0.0.4',
          schema: Joi.string(),
          // The content type of `new Registry()`.
          media: [Registry.PROMETHEUS_CONTENT_TYPE],
        },
      },
      [403],
    ),
  },
  async handler(request, h) {
    const { registry } = request.server.plugins.metrics;
    const expected = request.server.app.config.metricsToken; // METRICS_TOKEN: unset, admins only
    const token = internals.bearer(request);
    const byToken = expected !== undefined && token !== undefined && internals.sameSecret(token, expected);
    if (!byToken) {
      if (!request.auth.isAuthenticated) {
        // The JWT strategy's own 401 (try mode), as every other route answers it.
        throw request.auth.error ?? Boom.unauthorized(null, 'Token');
      }
      if (!request.auth.credentials.isAdmin) {
        throw Boom.forbidden('Admins only');
      }
    }
    return h.response(await registry.metrics()).type(registry.contentType);
  },
});

export const metricsPlugin: Plugin<MetricsOptions> = {
  name: 'metrics',
  register(server, options) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const http = internals.httpMetrics(registry);
    if (options.pool) {
      internals.poolMetrics(registry, options.pool);
    }
    server.events.on('response', (request) => internals.observe(http, request));
    // By key: expose() deep-copies an object argument, and the copy would not see the counts.
    server.expose('registry', registry);
    server.route(getMetrics);
  },
};
