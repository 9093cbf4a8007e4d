// The credentials cache of the JWT strategy: no SQL for authentication on a hit; eviction by the
// database triggers' notifications, for changes made here (answered only once evicted) or by any
// other connection (another instance, raw SQL); nothing cached while the LISTEN connection is down.
// The same with real processes: tests/instances/two-instances.test.ts.
import type { Server } from '@hapi/hapi';
import { Client } from 'pg';
import { CredentialsCache } from '../src/auth/strategy';
import * as enrollment from '../src/services/enrollment';
import { json, makeCourse, makeTest } from './helpers/fixtures';
import { createCountingServer, type CountingServer } from './helpers/server';
import { createUser } from './helpers/users';

describe('credentials cache', () => {
  let server: Server;
  let counted: CountingServer['statementsFor'];

  /** A course to read: GET /courses/{id} is one statement of its own, so cached credentials show as 1. */
  let course: number;
  const read = (user: { headers: { authorization: string } }) => server.inject({ url: `/courses/${course}`, headers: user.headers });

  beforeAll(async () => {
    ({ server, statementsFor: counted } = await createCountingServer({ AUTH_CACHE_TTL_MS: '30000' }));
    course = await makeCourse(server);
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

  test('logout evicts at once: the 204 is sent after this instance evicted the token', async () => {
    const user = await createUser(server);
    const tokenId = JSON.parse(Buffer.from(user.jwt.split('.')[1], 'base64url').toString()).tokenId as number;
    expect((await server.inject({ url: '/profile', headers: user.headers })).statusCode).toBe(200);
    expect(server.app.credentialsCache.get(tokenId)).toBeDefined();
    expect((await server.inject({ method: 'POST', url: '/logout', headers: user.headers })).statusCode).toBe(204);
    expect(server.app.credentialsCache.get(tokenId)).toBeUndefined(); // no handler evicts: the notification did
    const after = await server.inject({ url: '/profile', headers: user.headers });
    expect(after.statusCode).toBe(401);
    expect(json(after).message).toBe('Invalid credentials');
  });

  test('a removed teacher cannot re-enroll as TEACHER, even with credentials cached before the removal', async () => {
    const [owner, removed] = await Promise.all([createUser(server), createUser(server)]);
    const course = await makeCourse(server, owner);
    const enroll = (as: typeof owner, userId: number, role: string) =>
      server.inject({ method: 'POST', url: `/users/${userId}/courses`, headers: as.headers, payload: { courseId: course, role } });
    expect((await enroll(owner, removed.id, 'TEACHER')).statusCode).toBe(201);
    expect((await server.inject({ url: '/profile', headers: removed.headers })).statusCode).toBe(200); // cached
    await elsewhere(`DELETE FROM "course_enrollments" WHERE "userId" = $1 AND "courseId" = $2`, [removed.id, course]);
    const policy = 'Not allowed: enroll only yourself as STUDENT unless you teach the course';
    expect(json(await enroll(removed, removed.id, 'TEACHER'))).toMatchObject({ statusCode: 403, message: policy });
    const other = await enroll(removed, owner.id, 'STUDENT');
    expect(other.statusCode).toBe(403);
    expect(json(other).message).toBe(policy);
    const put = await server.inject({ method: 'PUT', url: `/courses/${course}`, headers: removed.headers, payload: { name: 'Mine now' } });
    expect(put.statusCode).toBe(403);
    expect(json(put).message).toBe('Not allowed: teachers of the course only');
  });

  test('a right granted by teaching is checked again inside the write', async () => {
    const [owner, student] = await Promise.all([createUser(server), createUser(server)]);
    const course = await makeCourse(server, owner);
    // The policy saw `owner` as a teacher; their removal commits before the insert runs.
    await elsewhere(`DELETE FROM "course_enrollments" WHERE "userId" = $1 AND "courseId" = $2`, [owner.id, course]);
    await expect(enrollment.enroll(server.app.db, student.id, course, 'TEACHER', owner.id)).rejects.toMatchObject({ kind: 'forbidden' });
    expect(await server.app.db.courseEnrollment.count({ where: { courseId: course } })).toBe(0);
  });

  test('course roles are read with each request: an enrollment change holds at once', async () => {
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
    const renamed = await put();
    expect(renamed.statusCode).toBe(200);
    expect(json(renamed)).toMatchObject({ id: course, name: 'Renamed' });
    expect(
      (await server.inject({ method: 'DELETE', url: `/users/${assistant.id}/courses/${course}`, headers: teacher.headers })).statusCode,
    ).toBe(204);
    const refused = await put();
    expect(refused.statusCode).toBe(403);
    expect(json(refused).message).toBe('Not allowed: teachers of the course only');
  });

  test('the creator of a course may manage it at once', async () => {
    const user = await createUser(server);
    expect((await server.inject({ url: '/profile', headers: user.headers })).statusCode).toBe(200);
    const created = await server.inject({
      method: 'POST',
      url: '/courses',
      headers: user.headers,
      payload: { name: 'Mine', courseDetails: 'x' },
    });
    expect(created.statusCode).toBe(201);
    const res = await server.inject({
      method: 'PUT',
      url: `/courses/${json(created).id}`,
      headers: user.headers,
      payload: { name: 'Still mine' },
    });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ id: json(created).id, name: 'Still mine', courseDetails: 'x' });
  });

  /** Polls `check` until it holds; returns the milliseconds it took (fails after `deadlineMs`). */
  async function within(deadlineMs: number, check: () => Promise<boolean>): Promise<number> {
    const started = Date.now();
    while (!(await check())) {
      if (Date.now() - started > deadlineMs) {
        throw new Error(`not within ${deadlineMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return Date.now() - started;
  }

  /** SQL on a connection of its own: what another instance, a script or psql would do. */
  async function elsewhere(sql: string, params: unknown[]): Promise<void> {
    const client = new Client({ connectionString: server.app.config.databaseUrl });
    await client.connect();
    try {
      await client.query(sql, params);
    } finally {
      await client.end();
    }
  }

  test('changes made by another connection evict within a second (revocation, deletion, isAdmin)', async () => {
    const [revoked, deleted, demoted] = await Promise.all([createUser(server), createUser(server), createUser(server, { isAdmin: true })]);
    const status = async (user: { headers: { authorization: string } }, url = `/courses/${course}`) =>
      (await server.inject({ url, headers: user.headers })).statusCode;
    for (const user of [revoked, deleted]) {
      expect(await status(user)).toBe(200);
      expect(await counted(() => read(user))).toBe(1); // cached: only the course's own query
    }
    expect(await status(demoted, '/users')).toBe(200);

    await elsewhere(`UPDATE "tokens" SET "valid" = false WHERE "userId" = $1`, [revoked.id]);
    await elsewhere(`DELETE FROM "users" WHERE "id" = $1`, [deleted.id]);
    await elsewhere(`UPDATE "users" SET "isAdmin" = false WHERE "id" = $1`, [demoted.id]);
    await within(1_000, async () => (await status(revoked)) === 401);
    await within(1_000, async () => (await status(deleted)) === 401);
    await within(1_000, async () => (await status(demoted, '/users')) === 403);
  });

  test('a rolled-back change evicts nothing', async () => {
    const user = await createUser(server);
    expect((await read(user)).statusCode).toBe(200);
    await expect(
      server.app.db.$transaction(async (tx) => {
        await tx.token.updateMany({ where: { userId: user.id }, data: { valid: false } });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await server.app.notifications.fence();
    expect(await counted(() => read(user))).toBe(1);
  });

  test('LISTEN connection killed: nothing cached until it is back, then caching again', async () => {
    const user = await createUser(server);
    const profile = () => read(user);
    await counted(profile);
    expect(await counted(profile)).toBe(1);

    const pid = server.app.notifications.backendPid;
    expect(pid).toBeDefined();
    await elsewhere('SELECT pg_terminate_backend($1)', [pid]);
    await within(2_000, async () => !server.app.notifications.listening);
    expect(server.app.credentialsCache.size).toBe(0);
    expect(await counted(profile)).toBe(2); // authentication reads the database again
    expect(await counted(profile)).toBe(2); // and keeps doing so while the listener is down

    const reconnectedMs = await within(10_000, async () => server.app.notifications.listening);
    expect(server.app.notifications.backendPid).not.toBe(pid);
    expect(await counted(profile)).toBeLessThanOrEqual(2);
    expect(await counted(profile)).toBe(1); // cached again
    await elsewhere(`UPDATE "tokens" SET "valid" = false WHERE "userId" = $1`, [user.id]);
    await within(1_000, async () => (await profile()).statusCode === 401);
    expect(reconnectedMs).toBeLessThan(10_000);
  });

  test('AUTH_CACHE_TTL_MS=0 disables it', async () => {
    const { server: uncached, statementsFor } = await createCountingServer({ AUTH_CACHE_TTL_MS: '0' });
    try {
      const user = await createUser(uncached);
      const request = () => uncached.inject({ url: '/profile', headers: user.headers });
      await statementsFor(request);
      expect(await statementsFor(request)).toBeGreaterThanOrEqual(1);
      expect(uncached.app.credentialsCache.size).toBe(0);
    } finally {
      await uncached.stop();
    }
  });

  test('bounded: the least recently used entry goes first', async () => {
    const cache = new CredentialsCache(60_000, 2);
    cache.resume();
    const load = (tokenId: number) => () =>
      Promise.resolve({ credentials: { userId: tokenId, tokenId, isAdmin: false }, tokenExpiresAt: new Date(Date.now() + 60_000) });
    await cache.load(1, load(1));
    await cache.load(2, load(2));
    cache.get(1); // 1 is now the most recently used
    await cache.load(3, load(3));
    expect(cache.get(2)).toBeUndefined();
    expect(cache.get(1)?.userId).toBe(1);
    expect(cache.get(3)?.userId).toBe(3);
  });
});
