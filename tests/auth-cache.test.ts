// The credentials cache of the JWT strategy: no SQL for authentication on a hit, immediate eviction
// on this instance (logout, enrollment changes), and a TTL bound for changes made elsewhere.
import type { Server } from '@hapi/hapi';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@prisma/client';
import { CredentialsCache } from '../src/auth/strategy';
import { json, makeCourse, makeTest } from './helpers/fixtures';
import { createContractServer, testConfig } from './helpers/server';
import { createUser } from './helpers/users';

describe('credentials cache', () => {
  let server: Server;
  let statements = 0;

  async function serverWith(env: NodeJS.ProcessEnv): Promise<Server> {
    const config = testConfig(env);
    const db = new PrismaClient({
      adapter: new PrismaPg({ connectionString: config.databaseUrl as string }),
      log: [{ emit: 'event', level: 'query' }],
    });
    db.$on('query', () => {
      statements++;
    });
    return createContractServer(config, { db });
  }

  async function counted(run: () => Promise<{ statusCode: number }>, status = 200): Promise<number> {
    statements = 0;
    const res = await run();
    expect(res.statusCode).toBe(status);
    return statements;
  }

  beforeAll(async () => {
    server = await serverWith({ AUTH_CACHE_TTL_MS: '30000' });
  });

  afterAll(async () => {
    await server.stop();
  });

  test('GET /courses/{id}: one statement with cached credentials, two on the first request', async () => {
    const user = await createUser(server);
    const course = await makeCourse(server);
    await makeTest(server, course, 'Quiz');
    await makeTest(server, course, 'Final');
    const request = () => server.inject({ url: `/courses/${course}`, headers: user.headers });
    expect(await counted(request)).toBe(2);
    expect(await counted(request)).toBe(1);
    const body = json(await request());
    expect(body.tests.map((test: { name: string }) => test.name)).toEqual(['Quiz', 'Final']);
    expect(body.tests[0].date).toBe('2026-01-15T09:00:00.000Z');
  });

  test('logout evicts at once', async () => {
    const user = await createUser(server);
    expect((await server.inject({ url: '/profile', headers: user.headers })).statusCode).toBe(200);
    expect((await server.inject({ method: 'POST', url: '/logout', headers: user.headers })).statusCode).toBe(204);
    expect((await server.inject({ url: '/profile', headers: user.headers })).statusCode).toBe(401);
  });

  test('an enrollment change refreshes teacherOf at once', async () => {
    const [teacher, assistant] = await Promise.all([createUser(server), createUser(server)]);
    const course = await makeCourse(server, teacher);
    const put = () => server.inject({ method: 'PUT', url: `/courses/${course}`, headers: assistant.headers, payload: { name: 'Renamed' } });
    expect((await put()).statusCode).toBe(403); // cached: teaches nothing
    const enrolled = await server.inject({
      method: 'POST',
      url: `/users/${assistant.id}/courses`,
      headers: teacher.headers,
      payload: { courseId: course, role: 'TEACHER' },
    });
    expect(enrolled.statusCode).toBe(201);
    expect((await put()).statusCode).toBe(200);
    expect((await server.inject({ method: 'DELETE', url: `/users/${assistant.id}/courses/${course}`, headers: teacher.headers })).statusCode).toBe(204);
    expect((await put()).statusCode).toBe(403);
  });

  test('the creator of a course may manage it at once', async () => {
    const user = await createUser(server);
    expect((await server.inject({ url: '/profile', headers: user.headers })).statusCode).toBe(200);
    const created = await server.inject({ method: 'POST', url: '/courses', headers: user.headers, payload: { name: 'Mine', courseDetails: 'x' } });
    expect(created.statusCode).toBe(201);
    const res = await server.inject({ method: 'PUT', url: `/courses/${json(created).id}`, headers: user.headers, payload: { name: 'Still mine' } });
    expect(res.statusCode).toBe(200);
  });

  test('a revocation made elsewhere (another instance) is honoured within the TTL', async () => {
    const shortLived = await serverWith({ AUTH_CACHE_TTL_MS: '300' });
    try {
      const user = await createUser(shortLived);
      const profile = () => shortLived.inject({ url: '/profile', headers: user.headers });
      expect((await profile()).statusCode).toBe(200);
      await shortLived.app.db.token.updateMany({ where: { userId: user.id, type: 'API' }, data: { valid: false } });
      expect((await profile()).statusCode).toBe(200); // still cached on this instance
      await new Promise((resolve) => setTimeout(resolve, 350));
      expect((await profile()).statusCode).toBe(401);
    } finally {
      await shortLived.stop();
    }
  });

  test('AUTH_CACHE_TTL_MS=0 disables it', async () => {
    const uncached = await serverWith({ AUTH_CACHE_TTL_MS: '0' });
    try {
      const user = await createUser(uncached);
      const request = () => uncached.inject({ url: '/profile', headers: user.headers });
      await counted(request);
      expect(await counted(request)).toBeGreaterThanOrEqual(1);
      expect(uncached.app.credentialsCache.size).toBe(0);
    } finally {
      await uncached.stop();
    }
  });

  test('bounded: the least recently used entry goes first', async () => {
    const cache = new CredentialsCache(60_000, 2);
    const load = (tokenId: number) => () =>
      Promise.resolve({ credentials: { userId: tokenId, tokenId, isAdmin: false, teacherOf: [] }, tokenExpiresAt: new Date(Date.now() + 60_000) });
    await cache.load(1, load(1));
    await cache.load(2, load(2));
    cache.get(1); // 1 is now the most recently used
    await cache.load(3, load(3));
    expect(cache.get(2)).toBeUndefined();
    expect(cache.get(1)?.userId).toBe(1);
    expect(cache.get(3)?.userId).toBe(3);
  });
});
