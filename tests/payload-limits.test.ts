// Payload limits: bodies over 100 KB are a 413 (also when compressed), strings over their schema
// bound a 400, and only JSON bodies are accepted (415).
import zlib from 'node:zlib';
import { useWorld } from './helpers/fixtures';

const limit = 100 * 1024;

describe('payload limits', () => {
  const ctx = useWorld();

  const expectBoom = (res: { statusCode: number; payload: string }, status: number) => {
    expect(res.statusCode).toBe(status);
    expect(JSON.parse(res.payload)).toMatchObject({ statusCode: status, error: expect.any(String), message: expect.any(String) });
  };

  test.each([
    ['POST /courses', 'post', () => '/courses'],
    ['PUT /users/{userId}', 'put', () => `/users/${ctx.w.admin.id}`],
    ['POST /login (public)', 'post', () => '/login'],
    ['POST /courses/{courseId}/feedback', 'post', () => `/courses/${ctx.w.course}/feedback`],
  ])('a body over 100 KB on %s is a 413 Boom', async (_name, method, url) => {
    const payload = JSON.stringify({ name: 'x'.repeat(limit) });
    expect(Buffer.byteLength(payload)).toBeGreaterThan(limit);
    const res = await ctx.server.inject({
      method,
      url: url(),
      headers: { ...ctx.w.admin.headers, 'content-type': 'application/json' },
      payload,
    });
    expectBoom(res, 413);
  });

  test('exactly at the limit is read (then validated: 400), one byte over is 413', async () => {
    const body = (size: number) => {
      const base = JSON.stringify({ name: '', courseDetails: 'd' });
      return JSON.stringify({ name: 'x'.repeat(size - base.length), courseDetails: 'd' });
    };
    expect(Buffer.byteLength(body(limit))).toBe(limit);
    const at = await ctx.server.inject({ method: 'post', url: '/courses', headers: ctx.w.admin.headers, payload: body(limit) });
    expectBoom(at, 400);
    expect(JSON.parse(at.payload).message).toMatch(/"name" length must be less than or equal to 200/);
    const over = await ctx.server.inject({ method: 'post', url: '/courses', headers: ctx.w.admin.headers, payload: body(limit + 1) });
    expectBoom(over, 413);
  });

  test('a gzip bomb (5 MB of JSON in 5 KB) is a 413, not 5 MB of memory', async () => {
    const payload = zlib.gzipSync(JSON.stringify({ name: 'x'.repeat(5_000_000), courseDetails: 'd' }));
    expect(payload.length).toBeLessThan(limit);
    const res = await ctx.server.inject({
      method: 'post',
      url: '/courses',
      headers: { ...ctx.w.admin.headers, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload,
    });
    expectBoom(res, 413);
  });

  test('a small gzip body is accepted', async () => {
    const payload = zlib.gzipSync(JSON.stringify({ name: 'Zipped', courseDetails: 'd' }));
    const res = await ctx.server.inject({
      method: 'post',
      url: '/courses',
      headers: { ...ctx.w.admin.headers, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload,
    });
    expect(res.statusCode).toBe(201);
    expect(JSON.parse(res.payload).name).toBe('Zipped');
  });

  test.each([
    [
      'course name (200)',
      'post',
      () => '/courses',
      (n: number) => ({ name: 'x'.repeat(n), courseDetails: 'd' }),
      200,
      /"name" length must be less than or equal to 200/,
    ],
    [
      'course details (5000)',
      'post',
      () => '/courses',
      (n: number) => ({ name: 'n', courseDetails: 'x'.repeat(n) }),
      5000,
      /"courseDetails" length/,
    ],
    [
      'test name (200)',
      'post',
      () => `/courses/${ctx.w.course}/tests`,
      (n: number) => ({ name: 'x'.repeat(n), date: '2026-05-01T09:00:00Z' }),
      200,
      /"name" length/,
    ],
    [
      'feedback (5000)',
      'post',
      () => `/courses/${ctx.w.course}/feedback`,
      (n: number) => ({ feedback: 'x'.repeat(n) }),
      5000,
      /"feedback" length/,
    ],
    ['first name (100)', 'put', () => `/users/${ctx.w.admin.id}`, (n: number) => ({ firstName: 'x'.repeat(n) }), 100, /"firstName" length/],
    [
      'social value (500)',
      'put',
      () => `/users/${ctx.w.admin.id}`,
      (n: number) => ({ social: { site: 'x'.repeat(n) } }),
      500,
      /"social.site" length/,
    ],
  ])('a %s one over its bound is a 400 naming the field; at the bound it passes', async (_name, method, url, body, bound, message) => {
    const over = await ctx.server.inject({ method, url: url(), headers: ctx.w.admin.headers, payload: body(bound + 1) });
    expectBoom(over, 400);
    expect(JSON.parse(over.payload).message).toMatch(message);
    const at = await ctx.server.inject({ method, url: url(), headers: ctx.w.admin.headers, payload: body(bound) });
    expect(at.statusCode).toBeLessThan(300);
  });

  test.each([
    ['text/plain', '{"name":"n","courseDetails":"d"}'],
    ['application/x-www-form-urlencoded', 'name=n&courseDetails=d'],
    ['multipart/form-data; boundary=xyz', '--xyz\r\nContent-Disposition: form-data; name="name"\r\n\r\nn\r\n--xyz--'],
    ['application/xml', '<course/>'],
  ])('a %s body is a 415 (JSON in)', async (type, payload) => {
    const res = await ctx.server.inject({
      method: 'post',
      url: '/courses',
      headers: { ...ctx.w.admin.headers, 'content-type': type },
      payload,
    });
    expectBoom(res, 415);
  });

  // Found by fuzzing (tests/resilience/fuzz.test.ts): each of these was a 500 from PostgreSQL/Prisma.
  test.each([
    ['a NUL in a course name', 'post', () => '/courses', { name: 'a\u0000b', courseDetails: 'd' }, /"name" must not contain NUL/],
    [
      'an unpaired surrogate in a course name',
      'post',
      () => '/courses',
      { name: '\ud800', courseDetails: 'd' },
      /"name" must not contain NUL characters or unpaired surrogates/,
    ],
    ['a NUL in feedback', 'post', () => `/courses/${ctx.w.course}/feedback`, { feedback: 'x\u0000' }, /"feedback"/],
    ['a NUL in a first name', 'put', () => `/users/${ctx.w.admin.id}`, { firstName: 'a\u0000' }, /"firstName"/],
    ['a NUL in a social value (jsonb)', 'put', () => `/users/${ctx.w.admin.id}`, { social: { site: 'a\u0000' } }, /"social.site"/],
    ['a NUL in a social key (jsonb)', 'put', () => `/users/${ctx.w.admin.id}`, { social: { 'k\u0000': 'v' } }, /social/],
    ['a NUL in a new user name', 'post', () => '/users', { email: 'nul-name@example.com', lastName: '\u0000' }, /"lastName"/],
    [
      'a test date in year -271821',
      'post',
      () => `/courses/${ctx.w.course}/tests`,
      { name: 'q', date: '-271821-04-20T00:00:00.000Z' },
      /"date" must be greater than or equal to/,
    ],
    [
      'a test date in year 275760',
      'post',
      () => `/courses/${ctx.w.course}/tests`,
      { name: 'q', date: '+275760-09-13T00:00:00.000Z' },
      /"date" must be less than or equal to/,
    ],
    ['a test date in 4714 BC', 'put', () => `/courses/tests/${ctx.w.test}`, { date: '-004714-11-24T00:00:00Z' }, /"date"/],
  ])('%s is a 400, not a 500', async (_name, method, url, payload, message) => {
    const res = await ctx.server.inject({ method, url: url(), headers: ctx.w.admin.headers, payload });
    expectBoom(res, 400);
    expect(JSON.parse(res.payload).message).toMatch(message);
  });

  test('found by fuzzing: multipart + gzip with a corrupt body is a 415 and the process lives on', async () => {
    // Before: hapi built a gunzip stream, then refused multipart and abandoned it; the stream's
    // 'error' had no listener and took the whole process down (uncaught exception).
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const res = await ctx.server.inject({
        method: 'post',
        url: '/login',
        headers: { 'content-type': 'multipart/form-data; boundary=xyz', 'content-encoding': 'gzip' },
        payload: '{"email":"a@b.co"}',
      });
      expectBoom(res, 415);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
