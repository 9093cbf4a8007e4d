// Release (draft grades): students never see results of an unreleased test; releasing it emails each
// student with a result on it once, after the commit, a few at a time; a failed email is logged and
// never fails the request or undoes the release.
import { Writable } from 'node:stream';
import type { Server } from '@hapi/hapi';
import { createLogger } from '../src/logger';
import { enroll, json, makeCourse, makeResult } from './helpers/fixtures';
import { createContractServer, testConfig } from './helpers/server';
import { startSendGridStandIn, type SendGridStandIn } from './helpers/sendgrid';
import { createUser, type TestUser } from './helpers/users';

describe('release', () => {
  const apiKey = 'SG.release-test-key-never-logged';
  let sendgrid: SendGridStandIn;
  let server: Server;
  const lines: string[] = [];

  beforeAll(async () => {
    sendgrid = await startSendGridStandIn();
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    server = await createContractServer(testConfig({ SENDGRID_API_KEY: apiKey, SENDGRID_BASE_URL: sendgrid.baseUrl }), {
      logger: createLogger('info', sink),
    });
  });

  afterAll(async () => {
    await server.stop();
    await sendgrid.close();
  });

  async function classWithTest(size: number, released: boolean) {
    const teacher = await createUser(server);
    const course = await makeCourse(server, teacher, 'Chemistry');
    const students: TestUser[] = [];
    for (let i = 0; i < size; i++) {
      const student = await createUser(server);
      await enroll(server, student.id, course);
      students.push(student);
    }
    const res = await server.inject({
      method: 'POST',
      url: `/courses/${course}/tests`,
      headers: teacher.headers,
      payload: { name: `Lab ${size}-${Date.now()}`, date: '2026-03-01T10:00:00Z', released },
    });
    const test = json(res);
    return { teacher, course, students, test };
  }

  const release = (testId: number, user: TestUser, payload: object = { released: true }) =>
    server.inject({ method: 'PUT', url: `/courses/tests/${testId}`, headers: user.headers, payload });
  const mailsFor = (testName: string) => sendgrid.sent.filter((mail) => mail.subject.includes(testName) || mail.text.includes(testName));

  test('students do not see results of an unreleased test; teachers and admins do', async () => {
    const { teacher, students, test } = await classWithTest(1, false);
    const [student] = students;
    const shown = await server.app.db.test.create({
      data: { name: 'Shown', date: new Date(), courseId: test.courseId },
      select: { id: true },
    });
    const hiddenResult = await makeResult(server, test.id, student.id, 640, teacher.id);
    const shownResult = await makeResult(server, shown.id, student.id, 720, teacher.id);
    const own = json(await server.inject({ url: `/users/${student.id}/test-results`, headers: student.headers }));
    expect(own.map((r: { id: number }) => r.id)).toEqual([shownResult]);
    const admin = await createUser(server, { isAdmin: true });
    const all = json(await server.inject({ url: `/users/${student.id}/test-results`, headers: admin.headers }));
    expect(all.map((r: { id: number }) => r.id)).toEqual([hiddenResult, shownResult]);
    const teacherView = json(await server.inject({ url: `/courses/tests/${test.id}/test-results`, headers: teacher.headers }));
    expect(teacherView.map((r: { id: number }) => r.id)).toEqual([hiddenResult]);
    // Released: the student sees it.
    const released = await release(test.id, teacher);
    expect(released.statusCode).toBe(200);
    expect(json(released)).toMatchObject({ id: test.id, released: true, releasedAt: expect.any(String) });
    const after = json(await server.inject({ url: `/users/${student.id}/test-results`, headers: student.headers }));
    expect(after.map((r: { id: number }) => r.id)).toEqual([hiddenResult, shownResult]);
  });

  test('false → true emails each student with a result once, naming the test; nobody else, and never again', async () => {
    const { teacher, students, test } = await classWithTest(4, false);
    const [a, b, c] = students; // the fourth has no result
    for (const [i, student] of [a, b, c].entries()) {
      await makeResult(server, test.id, student.id, 500 + i, teacher.id);
    }
    const res = await release(test.id, teacher);
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ released: true, releasedAt: expect.any(String) });
    await server.app.releaseNotifier.idle();
    const mails = mailsFor(test.name);
    expect(mails.map((mail) => mail.to).sort()).toEqual([a.email, b.email, c.email].sort());
    expect(mails[0].subject).toContain(test.name);
    expect(mails[0].subject).toContain('Chemistry');
    expect(mails[0].authorization).toBe(`Bearer ${apiKey}`);

    // Saving released: true again, other fields, and hiding it: no mail.
    expect((await release(test.id, teacher)).statusCode).toBe(200);
    const reweighted = await release(test.id, teacher, { weight: 2 });
    expect(reweighted.statusCode).toBe(200);
    expect(json(reweighted)).toMatchObject({ id: test.id, weight: 2, released: true });
    const hidden = await release(test.id, teacher, { released: false });
    expect(hidden.statusCode).toBe(200);
    expect(json(hidden)).toMatchObject({ id: test.id, weight: 2, released: false });
    await server.app.releaseNotifier.idle();
    expect(mailsFor(test.name)).toHaveLength(3);
  });

  test('creating a released test sends nothing; two concurrent releases send one email per student', async () => {
    const created = await classWithTest(1, true);
    await makeResult(server, created.test.id, created.students[0].id, 900);
    expect((await release(created.test.id, created.teacher)).statusCode).toBe(200);

    const { teacher, students, test } = await classWithTest(3, false);
    for (const student of students) {
      await makeResult(server, test.id, student.id, 800);
    }
    const answers = await Promise.all([release(test.id, teacher), release(test.id, teacher)]);
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200]);
    await server.app.releaseNotifier.idle();
    expect(mailsFor(created.test.name)).toHaveLength(0);
    expect(mailsFor(test.name)).toHaveLength(3);
  });

  test('a class of 60: the request does not wait for the emails, which go a few at a time', async () => {
    const { teacher, students, test } = await classWithTest(60, false);
    await server.app.db.testResult.createMany({ data: students.map((s) => ({ testId: test.id, studentId: s.id, result: 700 })) });
    sendgrid.delayMs = 100;
    try {
      const started = Date.now();
      expect((await release(test.id, teacher)).statusCode).toBe(200);
      const answeredIn = Date.now() - started;
      await server.app.releaseNotifier.idle();
      const sentIn = Date.now() - started;
      expect(mailsFor(test.name)).toHaveLength(60);
      // 60 mails of 100 ms: in series ≥ 6 s; 8 at a time ≈ 0.8 s. The answer came before they were sent.
      expect(answeredIn).toBeLessThan(sentIn);
      expect(sentIn).toBeLessThan(6000);
      expect(sendgrid.maxConcurrent).toBeGreaterThan(1);
      expect(sendgrid.maxConcurrent).toBeLessThanOrEqual(8);
    } finally {
      sendgrid.delayMs = 0;
    }
  });

  test('a failing mail service: the release stands, the request succeeds, the failure is logged without the key', async () => {
    const { teacher, students, test } = await classWithTest(2, false);
    for (const student of students) {
      await makeResult(server, test.id, student.id, 600);
    }
    sendgrid.mode = 'error';
    try {
      const res = await release(test.id, teacher);
      expect(res.statusCode).toBe(200);
      await server.app.releaseNotifier.idle();
    } finally {
      sendgrid.mode = 'ok';
    }
    expect(json(await server.inject({ url: `/courses/tests/${test.id}`, headers: teacher.headers })).released).toBe(true);
    const failures = lines
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.kind === 'resultsReleased' && entry.testId === test.id && entry.err);
    expect(failures).toHaveLength(2);
    // The message and code of the client's error only: never its request (headers with the key, the body).
    expect(failures[0].err).toMatchObject({ message: expect.any(String), code: 500 });
    expect(Object.keys(failures[0].err).sort()).toEqual(expect.arrayContaining(['code', 'message']));
    expect(JSON.stringify(failures)).not.toMatch(/Bearer|authorization|personalizations/i);
    expect(lines.join('')).not.toContain(apiKey);
  });
});
