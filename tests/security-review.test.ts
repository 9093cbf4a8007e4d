// Defects found by the security review (issue 10), one describe per defect. Each test failed on the
// code before its fix. The email-change flow (defect 1) has its own file: tests/email-change.test.ts.
import { Writable } from 'node:stream';
import type { Server } from '@hapi/hapi';
import { createLogger } from '../src/logger';
import { createServer } from '../src/server';
import { enroll, json, makeCourse, makeResult, makeTest } from './helpers/fixtures';
import { createTestServer, testConfig } from './helpers/server';
import { createUser, uniqueEmail } from './helpers/users';

/** A server whose log lines (pino JSON) land in `lines`. */
async function serverWithLog(env: NodeJS.ProcessEnv = {}): Promise<{ server: Server; lines: string[] }> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const server = await createServer(testConfig(env), { logger: createLogger('info', sink) });
  return { server, lines };
}

describe('defect 5: a grader keeps rights over a result only while teaching its course', () => {
  let server: Server;

  beforeAll(async () => {
    server = await createTestServer();
  });
  afterAll(() => server.stop());

  test('a teacher removed from the course can no longer PUT or DELETE the results they graded', async () => {
    const [teacher, colleague, student] = await Promise.all([createUser(server), createUser(server), createUser(server)]);
    const course = await makeCourse(server, colleague);
    await enroll(server, teacher.id, course, 'TEACHER');
    await enroll(server, student.id, course);
    const test = await makeTest(server, course);
    const resultId = await makeResult(server, test, student.id, 700, teacher.id);

    // While teaching: allowed.
    const before = await server.inject({ method: 'PUT', url: `/courses/tests/test-results/${resultId}`, payload: { result: 710 }, headers: teacher.headers });
    expect(before.statusCode).toBe(200);

    // The colleague removes them from the course (through the API, so the credentials cache is evicted).
    const removed = await server.inject({ method: 'DELETE', url: `/users/${teacher.id}/courses/${course}`, headers: colleague.headers });
    expect(removed.statusCode).toBe(204);

    const put = await server.inject({ method: 'PUT', url: `/courses/tests/test-results/${resultId}`, payload: { result: 0 }, headers: teacher.headers });
    expect(put.statusCode).toBe(403);
    const del = await server.inject({ method: 'DELETE', url: `/courses/tests/test-results/${resultId}`, headers: teacher.headers });
    expect(del.statusCode).toBe(403);
    const row = await server.app.db.testResult.findUnique({ where: { id: resultId }, select: { result: true } });
    expect(row?.result).toBe(710);
  });
});

describe('defect 6: the JWT is read from the Authorization header only', () => {
  let server: Server;
  let lines: string[];
  let user: Awaited<ReturnType<typeof createUser>>;

  beforeAll(async () => {
    ({ server, lines } = await serverWithLog());
    user = await createUser(server);
  });
  afterAll(() => server.stop());

  test('a valid JWT in ?token= is ignored (401) and never reaches the log', async () => {
    const res = await server.inject({ url: `/profile?token=${user.jwt}` });
    expect(res.statusCode).toBe(401);
    // A list route with its own query validation: still 401 first, the token is not used.
    expect((await server.inject({ url: `/courses?token=${user.jwt}` })).statusCode).toBe(401);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('')).not.toContain(user.jwt);
  });

  test('a valid JWT in Cookie: token= is ignored (401)', async () => {
    const res = await server.inject({ url: '/profile', headers: { cookie: `token=${user.jwt}` } });
    expect(res.statusCode).toBe(401);
    expect(lines.join('')).not.toContain(user.jwt);
  });

  test('the header still works', async () => {
    expect((await server.inject({ url: '/profile', headers: user.headers })).statusCode).toBe(200);
  });
});

describe('defect 9: Cache-Control: no-store on the JWT response and authenticated responses', () => {
  let server: Server;

  beforeAll(async () => {
    server = await createServer(testConfig({ SENDGRID_API_KEY: '' }), { logger: createLogger('silent') });
  });
  afterAll(() => server.stop());

  test('POST /authenticate (200 with the JWT) is no-store', async () => {
    const { server: logged, lines } = await serverWithLog({ SENDGRID_API_KEY: '' });
    try {
      const email = uniqueEmail('cache');
      await logged.inject({ method: 'POST', url: '/login', payload: { email } });
      const emailToken = lines.map((line) => JSON.parse(line)).find((line) => line.to === email)?.emailToken;
      const res = await logged.inject({ method: 'POST', url: '/authenticate', payload: { email, emailToken } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
    } finally {
      await logged.stop();
    }
  });

  test('authenticated responses are no-store: success, 403 and 404', async () => {
    const user = await createUser(server);
    for (const url of ['/profile', '/courses', `/users/${user.id}/courses`, '/users', '/courses/2147483647']) {
      const res = await server.inject({ url, headers: user.headers });
      expect([res.statusCode, res.headers['cache-control']]).toEqual([res.statusCode, 'no-store']);
    }
  });

  test('public probes keep the default', async () => {
    const res = await server.inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-cache');
  });
});

describe('admin is exactly "the email is in ADMIN_EMAILS now"', () => {
  test('removing an address from ADMIN_EMAILS demotes that user at their next login', async () => {
    const email = uniqueEmail('was-admin');
    const loginAs = async (server: Server, lines: string[]) => {
      await server.inject({ method: 'POST', url: '/login', payload: { email } });
      const emailToken = lines.map((line) => JSON.parse(line)).filter((line) => line.to === email).at(-1)?.emailToken;
      const res = await server.inject({ method: 'POST', url: '/authenticate', payload: { email, emailToken } });
      expect(res.statusCode).toBe(200);
      return json(await server.inject({ url: '/profile', headers: { authorization: json(res).token } }));
    };

    const before = await serverWithLog({ SENDGRID_API_KEY: '', ADMIN_EMAILS: email });
    try {
      expect((await loginAs(before.server, before.lines)).isAdmin).toBe(true);
    } finally {
      await before.server.stop();
    }
    const after = await serverWithLog({ SENDGRID_API_KEY: '', ADMIN_EMAILS: 'someone-else@example.com' });
    try {
      expect((await loginAs(after.server, after.lines)).isAdmin).toBe(false);
    } finally {
      await after.server.stop();
    }
  });
});
