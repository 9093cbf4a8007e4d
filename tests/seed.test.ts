// The demo seed (src/db/seed.ts) against the run's database. Other test files create rows at the
// same time, so every assertion is about the demo rows themselves (found by their emails and names).
import type { Server } from '@hapi/hapi';
import { API_TOKEN_TTL_MS, signApiJwt } from '../src/auth/tokens';
import { DEMO, seedDemoData, seedOnStart } from '../src/db/seed';
import type { Db } from '../src/db/prisma';
import { createTestServer } from './helpers/server';

const internals = {
  demoEmails: [DEMO.admin.email, ...DEMO.teachers.map((user) => user.email), ...DEMO.students.map((user) => user.email)],
  teacherEmails: DEMO.teachers.map<string>((user) => user.email),

  /** Everything the seed owns, in a stable order, with ids (so a second run must reuse the rows). */
  async snapshot(db: Db) {
    const users = await db.user.findMany({
      where: { email: { in: internals.demoEmails } },
      select: { id: true, email: true, firstName: true, lastName: true, isAdmin: true },
      orderBy: { email: 'asc' },
    });
    const courses = await db.course.findMany({
      where: {
        name: { in: DEMO.courses.map((course) => course.name) },
        members: { some: { role: 'TEACHER', user: { email: { in: internals.teacherEmails } } } },
      },
      select: {
        id: true,
        name: true,
        courseDetails: true,
        gradingScale: true,
        members: { select: { role: true, user: { select: { email: true } } }, orderBy: { userId: 'asc' } },
        tests: {
          select: {
            id: true,
            name: true,
            date: true,
            weight: true,
            released: true,
            results: {
              select: { id: true, result: true, student: { select: { email: true } }, gradedBy: { select: { email: true } } },
              orderBy: { studentId: 'asc' },
            },
          },
          orderBy: { id: 'asc' },
        },
      },
      orderBy: { id: 'asc' },
    });
    return { users, courses };
  },
};

describe('demo seed', () => {
  let server: Server;
  let db: Db;

  beforeAll(async () => {
    server = await createTestServer();
    db = server.app.db;
  });

  afterAll(async () => {
    await server.stop();
  });

  test('running it twice gives the same rows: no duplicates, no errors', async () => {
    const first = await seedDemoData(db);
    const afterFirst = await internals.snapshot(db);
    const second = await seedDemoData(db);
    const afterSecond = await internals.snapshot(db);

    expect(second).toEqual(first);
    expect(first).toEqual({ users: 13, courses: 3, enrollments: 21, tests: 6, results: 30 });
    expect(afterSecond).toEqual(afterFirst);
    expect(afterFirst.users).toHaveLength(13);
    expect(afterFirst.courses.map((course) => course.name)).toEqual(DEMO.courses.map((course) => course.name));
    const tests = afterFirst.courses.flatMap((course) => course.tests);
    expect(tests).toHaveLength(6);
    expect(tests.flatMap((test) => test.results)).toHaveLength(30);
  });

  test('admin@example.com exists, and the seed makes nobody an admin (only ADMIN_EMAILS does, at login)', async () => {
    await seedDemoData(db);
    const { users } = await internals.snapshot(db);
    expect(users.map((user) => user.email)).toContain('admin@example.com');
    expect(users.filter((user) => user.isAdmin)).toEqual([]);
  });

  test('each demo course has exactly one demo teacher, its students, and results graded by that teacher', async () => {
    await seedDemoData(db);
    const { courses } = await internals.snapshot(db);
    expect(courses).toHaveLength(DEMO.courses.length);
    for (const course of courses) {
      const demo = DEMO.courses.find((candidate) => candidate.name === course.name);
      const teachers = course.members.filter((member) => member.role === 'TEACHER').map((member) => member.user.email);
      const students = course.members.filter((member) => member.role === 'STUDENT').map((member) => member.user.email);
      expect(teachers).toEqual([demo?.teacher]);
      expect(students.sort()).toEqual([...(demo?.students ?? [])].sort());
      expect(course.tests.map((test) => test.name)).toEqual(demo?.tests.map((test) => test.name));
      for (const test of course.tests) {
        for (const result of test.results) {
          expect(result.result).toBeGreaterThanOrEqual(0);
          expect(result.result).toBeLessThanOrEqual(1000);
          expect(result.gradedBy?.email).toBe(demo?.teacher);
          expect(students).toContain(result.student.email);
        }
      }
    }
  });

  test('the grading workflow: weighted tests, a custom scale, a graded test not released yet', async () => {
    await seedDemoData(db);
    const { courses } = await internals.snapshot(db);
    const algebra = courses.find((course) => course.name === 'Demo: Algebra I');
    expect(algebra?.tests.map((test) => [test.name, test.weight, test.released])).toEqual([
      ['Midterm', 1, true],
      ['Final exam', 2, true],
    ]);
    const history = courses.find((course) => course.name === 'Demo: History of Computing');
    expect(history?.gradingScale).toEqual([
      { letter: 'Merit', min: 750 },
      { letter: 'Pass', min: 500 },
      { letter: 'Fail', min: 0 },
    ]);
    const held = history?.tests.find((test) => test.name === 'Final exam');
    expect(held).toMatchObject({ weight: 3, released: false });
    expect(held?.results.length).toBeGreaterThan(0);
  });

  test('a later run restores demo rows changed or removed through the API', async () => {
    await seedDemoData(db);
    const before = await internals.snapshot(db);
    const course = before.courses[0];
    const result = course.tests[0].results[0];
    await db.testResult.update({ where: { id: result.id }, data: { result: 1 } });
    await db.test.update({ where: { id: course.tests[1].id }, data: { weight: 7, released: false } });
    const studentEmail = course.members.find((member) => member.role === 'STUDENT')?.user.email as string;
    await db.courseEnrollment.deleteMany({ where: { courseId: course.id, user: { email: studentEmail } } });
    await db.user.update({ where: { email: DEMO.admin.email }, data: { lastName: 'Edited' } });

    await seedDemoData(db);
    expect(await internals.snapshot(db)).toEqual(before);
  });

  test('SEED_DEMO_DATA=true seeds at start; without it a non-empty database logs nothing', async () => {
    const logged: unknown[][] = [];
    const logger = { info: (...args: unknown[]) => void logged.push(args) };

    await seedOnStart(db, { seedDemoData: false, env: 'development' }, logger as never);
    expect(logged).toEqual([]);

    await seedOnStart(db, { seedDemoData: true, env: 'development' }, logger as never);
    expect(logged).toEqual([
      [{ users: 13, courses: 3, enrollments: 21, tests: 6, results: 30 }, expect.stringMatching(/demo data seeded/)],
    ]);
    expect((await internals.snapshot(db)).users).toHaveLength(13);
  });

  test('the demo admin reads a demo course through the API', async () => {
    await seedDemoData(db);
    const { courses, users } = await internals.snapshot(db);
    const admin = users.find((user) => user.email === DEMO.admin.email);
    const expiration = new Date(Date.now() + API_TOKEN_TTL_MS);
    const token = await db.token.create({ data: { type: 'API', userId: admin?.id as number, expiration }, select: { id: true } });
    const res = await server.inject({
      url: `/courses/${courses[0].id}`,
      headers: { authorization: `Bearer ${signApiJwt(server.app.config.jwtSecret, token.id, expiration)}` },
    });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.payload)).toMatchObject({ name: DEMO.courses[0].name, tests: [{ name: 'Midterm' }, { name: 'Final exam' }] });
  });
});
