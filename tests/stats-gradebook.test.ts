// Test statistics (one SQL statement) and the course gradebook (JSON and CSV, fixed statement count).
import type { Server } from '@hapi/hapi';
import { parse } from 'csv-parse/sync';
import { enroll, json, makeCourse, makeResult, makeTest } from './helpers/fixtures';
import { createCountingServer, type CountingServer } from './helpers/server';
import { createUser, type TestUser } from './helpers/users';

describe('stats and gradebook', () => {
  let server: Server;
  let counted: CountingServer['statementsFor'];

  beforeAll(async () => {
    ({ server, statementsFor: counted } = await createCountingServer());
  });

  afterAll(async () => {
    await server.stop();
  });

  describe('GET /courses/tests/{testId}/stats', () => {
    let teacher: TestUser;
    let course: number;

    beforeAll(async () => {
      teacher = await createUser(server);
      course = await makeCourse(server, teacher);
    });

    test('500/700/900 → average 700, median 700, in one statement', async () => {
      const test = await makeTest(server, course);
      for (const result of [900, 500, 700]) {
        const student = await createUser(server);
        await enroll(server, student.id, course);
        await makeResult(server, test, student.id, result, teacher.id);
      }
      const request = () => server.inject({ url: `/courses/tests/${test}/stats`, headers: teacher.headers });
      const res = await request();
      expect(res.statusCode).toBe(200);
      expect(json(res)).toEqual({ testId: test, count: 3, average: 700, min: 500, max: 900, median: 700 });
      // The policy's test lookup + the stats statement; authentication's credential lookup is
      // cached since the first request with this token (tests/auth-cache.test.ts).
      expect(await counted(request)).toBe(2);
    });

    test('an even count: median interpolates, average keeps one decimal', async () => {
      const test = await makeTest(server, course);
      for (const result of [100, 200, 400, 1000]) {
        const student = await createUser(server);
        await enroll(server, student.id, course);
        await makeResult(server, test, student.id, result);
      }
      const res = await server.inject({ url: `/courses/tests/${test}/stats`, headers: teacher.headers });
      expect(json(res)).toEqual({ testId: test, count: 4, average: 425, min: 100, max: 1000, median: 300 });
    });

    test('no results → count 0 and nulls', async () => {
      const test = await makeTest(server, course);
      const res = await server.inject({ url: `/courses/tests/${test}/stats`, headers: teacher.headers });
      expect(res.statusCode).toBe(200);
      expect(json(res)).toEqual({ testId: test, count: 0, average: null, min: null, max: null, median: null });
    });

    test('students 403, unknown test 404, bad id 400', async () => {
      const test = await makeTest(server, course);
      const student = await createUser(server);
      await enroll(server, student.id, course);
      for (const [id, status, message] of [
        [test, 403, 'Not allowed: teachers of the course only'],
        [2147483647, 404, 'Test not found'],
        [2147483648, 400, '"testId" must be less than or equal to 2147483647'],
      ] as const) {
        const res = await server.inject({ url: `/courses/tests/${id}/stats`, headers: student.headers });
        expect({ id, status: res.statusCode }).toEqual({ id, status });
        expect(json(res).message).toBe(message);
      }
    });
  });

  describe('GET /courses/{courseId}/gradebook', () => {
    let teacher: TestUser;
    let course: number;
    let tests: number[];
    let students: TestUser[];

    beforeAll(async () => {
      const { db } = server.app;
      teacher = await createUser(server);
      course = await makeCourse(server, teacher, 'Gradebook');
      tests = [await makeTest(server, course, 'T1'), await makeTest(server, course, '=cmd|calc')];
      students = [await createUser(server), await createUser(server)];
      await db.user.update({ where: { id: students[0].id }, data: { firstName: 'Ann, "the brain"', lastName: "O'Neil" } });
      for (const student of students) {
        await enroll(server, student.id, course);
      }
      await makeResult(server, tests[0], students[0].id, 800, teacher.id);
      await makeResult(server, tests[1], students[0].id, 905, teacher.id);
      await makeResult(server, tests[0], students[1].id, 600, teacher.id);
      // A result in another course never shows here.
      const other = await makeCourse(server, undefined);
      await enroll(server, students[1].id, other);
      await makeResult(server, await makeTest(server, other), students[1].id, 1);
    });

    test('JSON: tests, and per student the results by test id and the average', async () => {
      const res = await server.inject({ url: `/courses/${course}/gradebook`, headers: teacher.headers });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      const book = json(res);
      expect(book.tests.map((t: { id: number }) => t.id)).toEqual(tests);
      expect(book.students).toEqual([
        {
          id: students[0].id,
          email: students[0].email,
          firstName: 'Ann, "the brain"',
          lastName: "O'Neil",
          results: { [tests[0]]: 800, [tests[1]]: 905 },
          average: 852.5,
          finalGrade: 852.5,
          letter: 'B',
        },
        {
          id: students[1].id,
          email: students[1].email,
          firstName: 'Test',
          lastName: 'User',
          results: { [tests[0]]: 600 },
          average: 600,
          finalGrade: 600,
          letter: 'D',
        },
      ]);
    });

    test('CSV with Accept: text/csv: header row, one row per student, round-trips quotes and commas', async () => {
      const res = await server.inject({ url: `/courses/${course}/gradebook`, headers: { ...teacher.headers, accept: 'text/csv' } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      expect(res.headers['content-disposition']).toMatch(/attachment; filename=".*\.csv"/);
      const rows: string[][] = parse(res.payload);
      expect(rows[0]).toEqual([
        'id',
        'email',
        'firstName',
        'lastName',
        `T1 (#${tests[0]})`,
        `'=cmd|calc (#${tests[1]})`,
        'average',
        'finalGrade',
        'letter',
      ]);
      expect(rows).toHaveLength(3);
      expect(rows[1]).toEqual([
        String(students[0].id),
        students[0].email,
        'Ann, "the brain"',
        "O'Neil",
        '800',
        '905',
        '852.5',
        '852.5',
        'B',
      ]);
      expect(rows[2]).toEqual([String(students[1].id), students[1].email, 'Test', 'User', '600', '', '600', '600', 'D']);
    });

    test('Accept with parameters (text/csv; charset=utf-8, as the OpenAPI document names it) is CSV too', async () => {
      const res = await server.inject({
        url: `/courses/${course}/gradebook`,
        headers: { ...teacher.headers, accept: 'text/csv; charset=utf-8' },
      });
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    });

    test('JSON stays the default when JSON is preferred', async () => {
      const res = await server.inject({
        url: `/courses/${course}/gradebook`,
        headers: { ...teacher.headers, accept: 'application/json, text/csv;q=0.5' },
      });
      expect(res.headers['content-type']).toMatch(/application\/json/);
    });

    test('a fixed number of SQL statements whatever the class size', async () => {
      const request = () => server.inject({ url: `/courses/${course}/gradebook`, headers: teacher.headers });
      const before = await counted(request);
      for (let i = 0; i < 5; i++) {
        const student = await createUser(server);
        await enroll(server, student.id, course);
        await makeResult(server, tests[0], student.id, 100 * i, teacher.id);
      }
      const after = await counted(request);
      expect(after).toBe(before);
      // The course policy (course + caller role) and the gradebook; credentials are cached.
      expect(after).toBe(2);
    });

    test('students 403, unknown course 404, no token 401', async () => {
      for (const [id, status, message] of [
        [course, 403, 'Not allowed: teachers of the course only'],
        [2147483647, 404, 'Course not found'],
      ] as const) {
        const res = await server.inject({ url: `/courses/${id}/gradebook`, headers: students[0].headers });
        expect({ id, status: res.statusCode }).toEqual({ id, status });
        expect(json(res).message).toBe(message);
      }
      expect((await server.inject({ url: `/courses/${course}/gradebook` })).statusCode).toBe(401);
    });
  });
});
