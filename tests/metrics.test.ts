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
    for (const [headers, status, message] of [
      [user.headers, 403, 'Admins only'],
      [{ authorization: 'Bearer wrong-token-0123456789' }, 401, 'Invalid credentials'],
      [{}, 401, 'Missing authentication'],
    ] as const) {
      const res = await server.inject({ url: '/metrics', headers });
      expect(res.statusCode).toBe(status);
      expect(JSON.parse(res.payload).message).toBe(message);
      expect(res.payload).not.toMatch(/^# HELP /m);
    }
  });
});
