// Final grades (src/services/grades.ts): weights, rounding, letters, ?missing=zero, released results
// for students, CSV, and one statement per route whatever the class size.
import type { Server } from '@hapi/hapi';
import { parse } from 'csv-parse/sync';
import { enroll, json, makeCourse, makeResult } from './helpers/fixtures';
import { createCountingServer, type CountingServer } from './helpers/server';
import { createUser, type TestUser } from './helpers/users';
import { DEFAULT_GRADING_SCALE } from './helpers/grading-scale';

describe('final grades', () => {
  let server: Server;
  let statementsFor: CountingServer['statementsFor'];

  beforeAll(async () => {
    ({ server, statementsFor } = await createCountingServer());
  });

  afterAll(() => server.stop());

  const past = '2026-01-15T09:00:00.000Z';
  const future = '2099-01-15T09:00:00.000Z';

  async function addTest(course: number, weight: number, options: { date?: string; released?: boolean } = {}): Promise<number> {
    const test = await server.app.db.test.create({
      data: { courseId: course, name: `w${weight}`, date: new Date(options.date ?? past), weight, released: options.released ?? true },
      select: { id: true },
    });
    return test.id;
  }

  async function classOf(size: number, gradingScale?: Array<{ letter: string; min: number }>) {
    const teacher = await createUser(server);
    const course = await makeCourse(server, teacher, 'Grades');
    if (gradingScale) {
      await server.app.db.course.update({ where: { id: course }, data: { gradingScale } });
    }
    const students: TestUser[] = [];
    for (let i = 0; i < size; i++) {
      const student = await createUser(server);
      await enroll(server, student.id, course);
      students.push(student);
    }
    return { teacher, course, students };
  }

  const grades = (course: number, user: TestUser, query = '', headers: Record<string, string> = {}) =>
    server.inject({ url: `/courses/${course}/grades${query}`, headers: { ...user.headers, ...headers } });

  test('weighted mean over graded tests with weight > 0; ungraded and weight-0 tests do not count', async () => {
    const { teacher, course, students } = await classOf(3);
    const [a, b, c] = students;
    const t1 = await addTest(course, 1);
    const t3 = await addTest(course, 3);
    const t0 = await addTest(course, 0);
    await addTest(course, 2, { date: future }); // ungraded, in the future
    await makeResult(server, t1, a.id, 600);
    await makeResult(server, t3, a.id, 1000);
    await makeResult(server, t0, a.id, 0); // weight 0: ignored
    await makeResult(server, t3, b.id, 700); // only one graded test
    const res = await grades(course, teacher);
    expect(res.statusCode).toBe(200);
    const body = json(res);
    expect(body.courseId).toBe(course);
    expect(body.gradingScale).toEqual(DEFAULT_GRADING_SCALE);
    const student = (user: TestUser) => ({ id: user.id, email: user.email, firstName: 'Test', lastName: 'User' });
    expect(body.students).toEqual([
      // (1×600 + 3×1000) / 4 = 900 → A; graded 2 (weight 0 is not a weighted test), missing 0
      { ...student(a), finalGrade: 900, letter: 'A', graded: 2, missing: 0 },
      // t1 is past and ungraded: missing 1 (counted as 0 only with ?missing=zero)
      { ...student(b), finalGrade: 700, letter: 'C', graded: 1, missing: 1 },
      { ...student(c), finalGrade: null, letter: null, graded: 0, missing: 2 },
    ]);
  });

  test('rounding: half up to one decimal in exact arithmetic (333.25 → 333.3), the letter of the rounded value (899.95 → 900.0 → A)', async () => {
    const { teacher, course, students } = await classOf(2);
    const [t1, t3, t19] = [await addTest(course, 1), await addTest(course, 3), await addTest(course, 19)];
    // (1×1 + 3×444) / 4 = 333.25
    await makeResult(server, t1, students[0].id, 1);
    await makeResult(server, t3, students[0].id, 444);
    // (19×900 + 1×899) / 20 = 899.95
    await makeResult(server, t19, students[1].id, 900);
    await makeResult(server, t1, students[1].id, 899);
    const body = json(await grades(course, teacher));
    expect(body.students.map((s: { finalGrade: number; letter: string }) => [s.finalGrade, s.letter])).toEqual([
      [333.3, 'F'],
      [900, 'A'],
    ]);
  });

  test('a custom scale letters the grades', async () => {
    const scale = [
      { letter: 'Merit', min: 750 },
      { letter: 'Pass', min: 500 },
      { letter: 'Fail', min: 0 },
    ];
    const { teacher, course, students } = await classOf(3, scale);
    const test = await addTest(course, 1);
    for (const [i, result] of [750, 749, 0].entries()) {
      await makeResult(server, test, students[i].id, result);
    }
    const body = json(await grades(course, teacher));
    expect(body.gradingScale).toEqual(scale);
    expect(body.students.map((s: { letter: string }) => s.letter)).toEqual(['Merit', 'Pass', 'Fail']);
  });

  test('?missing=zero: a past weighted test without a result counts 0; a future one does not', async () => {
    const { teacher, course, students } = await classOf(2);
    const pastTest = await addTest(course, 1);
    const graded = await addTest(course, 1);
    await addTest(course, 5, { date: future });
    await addTest(course, 0); // weight 0: never missing
    await makeResult(server, graded, students[0].id, 800);
    void pastTest;
    const plain = json(await grades(course, teacher)).students;
    expect(plain.map((s: object) => s)).toEqual([
      expect.objectContaining({ finalGrade: 800, letter: 'B', graded: 1, missing: 1 }),
      expect.objectContaining({ finalGrade: null, letter: null, graded: 0, missing: 2 }),
    ]);
    const zero = json(await grades(course, teacher, '?missing=zero')).students;
    expect(zero).toEqual([
      expect.objectContaining({ finalGrade: 400, letter: 'F', graded: 1, missing: 1 }),
      expect.objectContaining({ finalGrade: 0, letter: 'F', graded: 0, missing: 2 }),
    ]);
  });

  test('CSV through Accept: text/csv, one row per student', async () => {
    const { teacher, course, students } = await classOf(2);
    await server.app.db.user.update({ where: { id: students[0].id }, data: { firstName: '=HYPERLINK("x")', lastName: 'Doe, Jr.' } });
    const test = await addTest(course, 1);
    await makeResult(server, test, students[0].id, 875);
    const res = await grades(course, teacher, '?missing=zero', { accept: 'text/csv' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="course-${course}-grades.csv"`);
    expect(parse(res.payload)).toEqual([
      ['id', 'email', 'firstName', 'lastName', 'finalGrade', 'letter', 'graded', 'missing'],
      [String(students[0].id), students[0].email, '\'=HYPERLINK("x")', 'Doe, Jr.', '875', 'B', '1', '0'],
      [String(students[1].id), students[1].email, 'Test', 'User', '0', 'F', '0', '1'],
    ]);
    expect(json(await grades(course, teacher, '', { accept: 'application/json, text/csv;q=0.5' })).courseId).toBe(course);
  });

  test('teachers see unreleased results in their grades and gradebook; the student does not', async () => {
    const { teacher, course, students } = await classOf(1);
    const [student] = students;
    const shown = await addTest(course, 1);
    const held = await addTest(course, 1, { released: false });
    await makeResult(server, shown, student.id, 600);
    await makeResult(server, held, student.id, 1000);
    expect(json(await grades(course, teacher)).students[0]).toMatchObject({ finalGrade: 800, graded: 2 });
    const book = json(await server.inject({ url: `/courses/${course}/gradebook`, headers: teacher.headers }));
    expect(book.students[0]).toMatchObject({ results: { [shown]: 600, [held]: 1000 }, average: 800, finalGrade: 800, letter: 'B' });
    const mine = await server.inject({ url: `/users/${student.id}/grades`, headers: student.headers });
    expect(mine.statusCode).toBe(200);
    expect(json(mine)).toEqual([{ courseId: course, courseName: 'Grades', finalGrade: 600, letter: 'D' }]);
  });

  test('GET /users/{userId}/grades: every course the user is a STUDENT of, by courseId; null when nothing released counts', async () => {
    const student = await createUser(server);
    const teacher = await createUser(server);
    const courses = [
      await makeCourse(server, teacher, 'First'),
      await makeCourse(server, teacher, 'Second'),
      await makeCourse(server, undefined, 'Taught'),
    ];
    await enroll(server, student.id, courses[0]);
    await enroll(server, student.id, courses[1]);
    await enroll(server, student.id, courses[2], 'TEACHER'); // not a STUDENT there: no row
    await makeResult(server, await addTest(courses[0], 2), student.id, 955);
    await makeResult(server, await addTest(courses[1], 1, { released: false }), student.id, 100);
    const expected = [
      { courseId: courses[0], courseName: 'First', finalGrade: 955, letter: 'A' },
      { courseId: courses[1], courseName: 'Second', finalGrade: null, letter: null },
    ];
    expect(json(await server.inject({ url: `/users/${student.id}/grades`, headers: student.headers }))).toEqual(expected);
    // Admins see what the student sees; take/skip page the list.
    const admin = await createUser(server, { isAdmin: true });
    expect(json(await server.inject({ url: `/users/${student.id}/grades`, headers: admin.headers }))).toEqual(expected);
    expect(json(await server.inject({ url: `/users/${student.id}/grades?skip=1&take=1`, headers: student.headers }))).toEqual([
      expected[1],
    ]);
    for (const [userId, caller, status, message] of [
      [student.id, teacher, 403, 'Not allowed: only for yourself'],
      [2147483647, admin, 404, 'User not found'],
    ] as const) {
      const res = await server.inject({ url: `/users/${userId}/grades`, headers: caller.headers });
      expect({ userId, status: res.statusCode }).toEqual({ userId, status });
      expect(json(res).message).toBe(message);
    }
  });

  test('one statement per route whatever the class size (plus the policy lookup; credentials are cached)', async () => {
    const { teacher, course, students } = await classOf(2);
    const tests = [await addTest(course, 1), await addTest(course, 2)];
    const count = async (run: () => Promise<{ statusCode: number }>) => {
      await run(); // caches the credentials
      return statementsFor(run);
    };
    const routes = [
      () => grades(course, teacher),
      () => grades(course, teacher, '?missing=zero', { accept: 'text/csv' }),
      () => server.inject({ url: `/courses/${course}/gradebook`, headers: teacher.headers }),
      () => server.inject({ url: `/users/${students[0].id}/grades`, headers: students[0].headers }),
    ];
    const before = [];
    for (const route of routes) {
      before.push(await count(route));
    }
    for (let i = 0; i < 6; i++) {
      const student = await createUser(server);
      await enroll(server, student.id, course);
      await makeResult(server, tests[i % 2], student.id, 100 * i);
      await enroll(server, students[0].id, await makeCourse(server, teacher, `More ${i}`));
    }
    for (const [i, route] of routes.entries()) {
      expect(await count(route)).toBe(before[i]);
    }
    // The course policy's lookup + the grades statement; the user loader of /users/{userId}/grades
    // is the users service's (one or two statements) + the grades statement.
    expect(before.slice(0, 3)).toEqual([2, 2, 2]);
    expect(before[3]).toBeLessThanOrEqual(3);
  });

  test('401, 400, 404, 403 in that order', async () => {
    const { teacher, course, students } = await classOf(1);
    expect((await server.inject({ url: `/courses/${course}/grades` })).statusCode).toBe(401);
    for (const query of ['?missing=one', '?missing=', '?take=5', '?missing=zero&missing=zero']) {
      const res = await grades(course, teacher, query);
      expect(res.statusCode).toBe(400);
      expect(json(res).message).toMatch(/missing|take/);
    }
    for (const [url, caller, status, message] of [
      ['/courses/2147483648/grades', teacher, 400, '"courseId" must be less than or equal to 2147483647'],
      ['/courses/2147483647/grades', students[0], 404, 'Course not found'],
      [`/courses/${course}/grades`, students[0], 403, 'Not allowed: teachers of the course only'],
      [`/users/${students[0].id}/grades?take=0`, students[0], 400, '"take" must be greater than or equal to 1'],
    ] as const) {
      const res = await server.inject({ url, headers: caller.headers });
      expect({ url, status: res.statusCode }).toEqual({ url, status });
      expect(json(res).message).toBe(message);
    }
  });
});
