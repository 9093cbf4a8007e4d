// Security headers of a JSON API, and CORS configured by CORS_ORIGINS (off by default).
import type { Server } from '@hapi/hapi';
import { loadConfig } from '../src/config';
import { createTestServer } from './helpers/server';
import { createUser } from './helpers/users';

describe('security headers', () => {
  let server: Server;
  let production: Server;

  beforeAll(async () => {
    server = await createTestServer();
    production = await createTestServer({ NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-at-least-32-chars' });
  });

  afterAll(async () => {
    await Promise.all([server.stop(), production.stop()]);
  });

  test.each([
    ['a success', '/', 200],
    ['a 401', '/courses', 401],
    ['a 404', '/no-such-route', 404],
  ])('on %s: nosniff, frame deny, no-referrer; no HSTS outside production; nothing names the stack', async (_name, url, status) => {
    const res = await server.inject(url);
    expect(res.statusCode).toBe(status);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers.server).toBeUndefined();
    // CORS is off by default: no Access-Control-* headers, even for a cross-origin request.
    const cross = await server.inject({ url, headers: { origin: 'https://evil.example' } });
    expect(Object.keys(cross.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  test('HSTS only when NODE_ENV=production', async () => {
    const res = await production.inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });
});

describe('CORS_ORIGINS', () => {
  let server: Server;
  const allowed = 'https://app.example.com';

  beforeAll(async () => {
    server = await createTestServer({ CORS_ORIGINS: `${allowed}, http://localhost:5173` });
  });

  afterAll(async () => {
    await server.stop();
  });

  test('a listed origin may call the API and read Authorization and Retry-After', async () => {
    const user = await createUser(server);
    const res = await server.inject({ url: '/profile', headers: { ...user.headers, origin: allowed } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(allowed);
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(String(res.headers['access-control-expose-headers'])).toMatch(/Authorization/);
    expect(String(res.headers['access-control-expose-headers'])).toMatch(/Retry-After/);
  });

  test('preflight: a listed origin is allowed to send Authorization and JSON', async () => {
    const res = await server.inject({
      method: 'OPTIONS',
      url: '/courses',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(String(res.headers['access-control-allow-methods'])).toMatch(/POST/);
    expect(String(res.headers['access-control-allow-headers']).toLowerCase()).toMatch(/authorization/);
  });

  test('another origin gets no CORS grant', async () => {
    const simple = await server.inject({ url: '/', headers: { origin: 'https://evil.example' } });
    expect(simple.statusCode).toBe(200);
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await server.inject({
      method: 'OPTIONS',
      url: '/courses',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    // hapi answers the preflight without any grant: the browser then blocks the request.
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-methods']).toBeUndefined();
  });

  test('the variable is validated: origins only, comma-separated, or *', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, http://localhost:3001' }).corsOrigins).toEqual([
      'https://a.example',
      'http://localhost:3001',
    ]);
    expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: '' }).corsOrigins).toEqual([]);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://a.example/path' })).toThrow(/CORS_ORIGINS/);
    expect(() => loadConfig({ CORS_ORIGINS: 'a.example' })).toThrow(/CORS_ORIGINS/);
  });
});
