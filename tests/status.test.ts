import type { Server } from '@hapi/hapi';
import { freePort } from '../src/db/embedded';
import { createTestServer, useTestServer } from './helpers/server';

describe('status', () => {
  const ctx = useTestServer();

  test('GET / answers liveness without auth', async () => {
    const res = await ctx.server.inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.result).toEqual({ up: true });
  });

  test('GET /ready queries the database', async () => {
    const res = await ctx.server.inject('/ready');
    expect(res.statusCode).toBe(200);
    expect(res.result).toEqual({ db: 'up' });
  });

  test('an unknown route is a Boom-shaped 404', async () => {
    const res = await ctx.server.inject('/nope');
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.payload)).toEqual({ statusCode: 404, error: 'Not Found', message: 'Not Found' });
  });
});

describe('status with an unreachable database', () => {
  let server: Server;
  let closedPort: number;

  beforeAll(async () => {
    // A port that was just free: nothing listens there.
    closedPort = await freePort();
    server = await createTestServer({
      DATABASE_URL: `postgresql://postgres@127.0.0.1:${closedPort}/nowhere`,
      DB_CONNECT_TIMEOUT_MS: '500',
    });
  });

  afterAll(async () => {
    await server.stop();
  });

  test('GET /ready is 503 and leaks nothing', async () => {
    const started = Date.now();
    const res = await server.inject('/ready');
    expect(res.statusCode).toBe(503);
    expect(Date.now() - started).toBeLessThan(5000);
    const body = JSON.parse(res.payload);
    expect(body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    expect(res.payload).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|prisma|at .*\.js/i);
  });

  test('GET / still answers: liveness does not depend on the database', async () => {
    const res = await server.inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.result).toEqual({ up: true });
  });
});
