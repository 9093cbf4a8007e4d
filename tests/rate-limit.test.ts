// Login rate limits: per email and per IP, 429 with Retry-After; memory by default, Redis shared
// across server instances when REDIS_URL is set.
import type { Server } from '@hapi/hapi';
import Redis from 'ioredis';
import { LIMITS } from '../src/auth/rate-limit';
import { createTestServer } from './helpers/server';
import { uniqueEmail } from './helpers/users';

const internals = {
  redisUrl: 'redis://127.0.0.1:6379',

  async redisAnswers(): Promise<boolean> {
    const probe = new Redis(internals.redisUrl, {
      lazyConnect: true,
      connectTimeout: 1000,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      return (await probe.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      probe.disconnect();
    }
  },

  login(server: Server, email: string, remoteAddress = '127.0.0.1') {
    return server.inject({ method: 'POST', url: '/login', payload: { email }, remoteAddress });
  },
};

describe('rate limits (in-process memory)', () => {
  let server: Server;

  beforeAll(async () => {
    server = await createTestServer({ REDIS_URL: '' });
  });

  afterAll(async () => {
    await server.stop();
  });

  test(`/login: ${LIMITS.loginPerEmail.points} per email, then 429 with Retry-After`, async () => {
    const email = uniqueEmail('limit');
    for (let i = 0; i < LIMITS.loginPerEmail.points; i += 1) {
      expect((await internals.login(server, email, `10.0.0.${i + 1}`)).statusCode).toBe(200);
    }
    // A different address and a different spelling of the same email: still the same email.
    const res = await internals.login(server, email.toUpperCase(), '10.0.1.1');
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(res.payload)).toMatchObject({
      statusCode: 429,
      error: 'Too Many Requests',
      message: 'Too many attempts, please retry later',
    });
  });

  test(`/login: ${LIMITS.loginPerIp.points} per IP across different emails`, async () => {
    const ip = '10.9.9.9';
    for (let i = 0; i < LIMITS.loginPerIp.points; i += 1) {
      expect((await internals.login(server, uniqueEmail('ip'), ip)).statusCode).toBe(200);
    }
    const limited = await internals.login(server, uniqueEmail('ip'), ip);
    expect(limited.statusCode).toBe(429);
    expect(JSON.parse(limited.payload).message).toBe('Too many attempts, please retry later');
    const elsewhere = await internals.login(server, uniqueEmail('ip'), '10.9.9.10');
    expect(elsewhere.statusCode).toBe(200);
    expect(JSON.parse(elsewhere.payload)).toEqual({ message: 'If the address is valid, a login token is on its way' });
  });

  test(`/authenticate: ${LIMITS.authenticatePerEmail.points} guesses per email, then 429 even with a new address`, async () => {
    const email = uniqueEmail('guesser');
    const statuses: number[] = [];
    for (let i = 0; i <= LIMITS.authenticatePerEmail.points; i += 1) {
      const res = await server.inject({
        method: 'POST',
        url: '/authenticate',
        payload: { email, emailToken: '12345678' },
        remoteAddress: `10.1.0.${i + 1}`,
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, LIMITS.authenticatePerEmail.points).every((status) => status === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe('rate limits shared through Redis (REDIS_URL)', () => {
  let available = false;
  let first: Server;
  let second: Server;

  beforeAll(async () => {
    available = await internals.redisAnswers();
    if (!available) {
      // Visible in the test output, not silently green.
      console.warn(`SKIPPED: no Redis answers at ${internals.redisUrl}; the Redis-backed limiter was not tested`);
      return;
    }
    first = await createTestServer({ REDIS_URL: internals.redisUrl });
    second = await createTestServer({ REDIS_URL: internals.redisUrl });
  });

  afterAll(async () => {
    await first?.stop();
    await second?.stop();
  });

  test('two instances share one per-email budget', async () => {
    if (!available) {
      return;
    }
    const email = uniqueEmail('shared');
    const statuses: number[] = [];
    for (let i = 0; i < LIMITS.loginPerEmail.points; i += 1) {
      const instance = i % 2 === 0 ? first : second;
      statuses.push((await internals.login(instance, email, `10.2.0.${i + 1}`)).statusCode);
    }
    expect(statuses.every((status) => status === 200)).toBe(true);
    const res = await internals.login(second, email, '10.2.1.1');
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);

    // The counter really lives in Redis.
    const redis = new Redis(internals.redisUrl);
    try {
      const keys = await redis.keys(`rl:${LIMITS.loginPerEmail.name}:${email}`);
      expect(keys).toHaveLength(1);
    } finally {
      redis.disconnect();
    }
  });
});
