import type { Server } from '@hapi/hapi';
import { createTestServer } from './helpers/server';
import { createUser } from './helpers/users';

describe('GET /metrics', () => {
  const metricsToken = 'scraper-token-0123456789';
  let server: Server;

  beforeAll(async () => {
    server = await createTestServer({ METRICS_TOKEN: metricsToken });
  });

  afterAll(async () => {
    await server.stop();
  });

  test('a scraper reads it with METRICS_TOKEN: per-route counts, latency and pool usage', async () => {
    const admin = await createUser(server, { isAdmin: true });
    await server.inject({ url: `/courses/tests/${2_147_483_000}`, headers: admin.headers });
    await server.inject({ url: '/ready' });
    const res = await server.inject({ url: '/metrics', headers: { authorization: `Bearer ${metricsToken}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    // The route template, never the concrete id: label values stay bounded.
    expect(res.payload).toMatch(/http_requests_total\{method="GET",route="\/courses\/tests\/\{testId\}",status="404"\} 1/);
    expect(res.payload).toMatch(/http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/ready",status="200"\}/);
    expect(res.payload).toMatch(/^db_pool_connections \d+$/m);
    expect(res.payload).toMatch(/^db_pool_waiting_requests 0$/m);
    expect(res.payload).toMatch(/process_resident_memory_bytes/);
    expect(res.payload).not.toMatch(/2147483000/);
  });

  test('admins may read it; other users and wrong tokens may not', async () => {
    const [admin, user] = await Promise.all([createUser(server, { isAdmin: true }), createUser(server)]);
    const allowed = await server.inject({ url: '/metrics', headers: admin.headers });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.payload).toMatch(/^# HELP /m);
    const denied = await server.inject({ url: '/metrics', headers: user.headers });
    expect(denied.statusCode).toBe(403);
    expect(JSON.parse(denied.payload).message).toBe('Admins only');
    // Without a valid JWT or the scrapers' token: the same 401 as every other route, header included.
    for (const headers of [{ authorization: 'Bearer wrong-token-0123456789' }, {}]) {
      const [res, elsewhere] = await Promise.all([
        server.inject({ url: '/metrics', headers }),
        server.inject({ url: '/profile', headers }),
      ]);
      expect(elsewhere.statusCode).toBe(401);
      expect({ status: res.statusCode, body: JSON.parse(res.payload), wwwAuthenticate: res.headers['www-authenticate'] }).toEqual({
        status: 401,
        body: JSON.parse(elsewhere.payload),
        wwwAuthenticate: elsewhere.headers['www-authenticate'],
      });
      expect(res.payload).not.toMatch(/^# HELP /m);
    }
  });
});
