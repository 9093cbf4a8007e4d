// Concurrency without loss: what the API acknowledged (201) is exactly what the database holds.
// (Concurrent /authenticate with one email token → exactly one JWT: tests/auth.test.ts.)
import { randomUUID } from 'node:crypto';
import { enroll, json, makeCourse, makeTest } from './helpers/fixtures';
import { useTestServer } from './helpers/server';
import { createUser, createUsers, type TestUser } from './helpers/users';

describe('concurrency', () => {
  const ctx = useTestServer();

  test('50 concurrent result writes (40 students, 10 racing duplicates): the DB holds exactly the acknowledged 201s', async () => {
    const teacher = await createUser(ctx.server);
    const course = await makeCourse(ctx.server, teacher, 'Race');
    const test = await makeTest(ctx.server, course, 'Race test');
    const students = await createUsers(ctx.server, 40);
    await Promise.all(students.map((s) => enroll(ctx.server, s.id, course)));

    // 40 distinct students, and 10 of them a second time with another result: one of each pair wins.
    const writes = [
      ...students.map((s, i) => ({ studentId: s.id, result: i * 10 })),
      ...students.slice(0, 10).map((s, i) => ({ studentId: s.id, result: 999 - i })),
    ];
    expect(writes).toHaveLength(50);
    const responses = await Promise.all(
      writes.map((payload) =>
        ctx.server.inject({ method: 'POST', url: `/courses/tests/${test}/test-results`, headers: teacher.headers, payload }),
      ),
    );

    const statuses = responses.map((res) => res.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(40);
    expect(statuses.filter((s) => s === 409)).toHaveLength(10);
    const acknowledged = responses.filter((res) => res.statusCode === 201).map(json);
    acknowledged.forEach((row) =>
      expect(row).toMatchObject({ testId: test, graderId: teacher.id, studentId: expect.any(Number), result: expect.any(Number) }),
    );

    const rows = await ctx.server.app.db.testResult.findMany({
      where: { testId: test },
      select: { id: true, studentId: true, result: true, graderId: true },
      orderBy: { id: 'asc' },
    });
    const fromApi = acknowledged
      .map(({ id, studentId, result, graderId }) => ({ id, studentId, result, graderId }))
      .sort((a, b) => a.id - b.id);
    expect(rows).toEqual(fromApi);
    expect(new Set(rows.map((r) => r.studentId)).size).toBe(40);
  });

  test('50 concurrent course creations: 50 × 201, 50 courses, each creator its TEACHER', async () => {
    const tag = `conc-${randomUUID().slice(0, 8)}`;
    const creators: TestUser[] = await createUsers(ctx.server, 10);
    const requests = Array.from({ length: 50 }, (_, i) => ({ creator: creators[i % creators.length], name: `${tag}-${i}` }));
    const responses = await Promise.all(
      requests.map(({ creator, name }) =>
        ctx.server.inject({
          method: 'POST',
          url: '/courses',
          headers: creator.headers,
          payload: { name, courseDetails: `details of ${name}` },
        }),
      ),
    );
    expect(responses.map((res) => res.statusCode)).toEqual(Array(50).fill(201));
    const created = responses.map(json) as Array<{ id: number; name: string }>;
    expect(new Set(created.map((c) => c.id)).size).toBe(50);

    const rows = await ctx.server.app.db.course.findMany({
      where: { name: { startsWith: `${tag}-` } },
      select: { id: true, name: true, courseDetails: true, members: { select: { userId: true, role: true } } },
      orderBy: { id: 'asc' },
    });
    expect(rows.map((r) => r.id)).toEqual(created.map((c) => c.id).sort((a, b) => a - b));
    for (const row of rows) {
      const request = requests.find((r) => r.name === row.name);
      expect(request).toBeDefined();
      expect(row.courseDetails).toBe(`details of ${row.name}`);
      expect(row.members).toEqual([{ userId: request?.creator.id, role: 'TEACHER' }]);
    }

    // And each creator may manage every course they just created (authorization sees them all).
    const updates = await Promise.all(
      requests.map(({ creator }, i) =>
        ctx.server.inject({
          method: 'PUT',
          url: `/courses/${created[i]?.id}`,
          headers: creator.headers,
          payload: { courseDetails: 'updated' },
        }),
      ),
    );
    expect(updates.map((res) => res.statusCode)).toEqual(Array(50).fill(200));
  });

  test('20 concurrent identical enrollments: exactly one 201, the rest 409, one row', async () => {
    const teacher = await createUser(ctx.server);
    const course = await makeCourse(ctx.server, teacher, 'Popular');
    const student = await createUser(ctx.server);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        ctx.server.inject({
          method: 'POST',
          url: `/users/${student.id}/courses`,
          headers: student.headers,
          payload: { courseId: course, role: 'STUDENT' },
        }),
      ),
    );
    const statuses = responses.map((res) => res.statusCode).sort();
    expect(statuses).toEqual([201, ...Array(19).fill(409)]);
    responses
      .filter((res) => res.statusCode === 409)
      .forEach((res) => expect(json(res)).toMatchObject({ statusCode: 409, error: 'Conflict', message: expect.any(String) }));
    expect(await ctx.server.app.db.courseEnrollment.count({ where: { userId: student.id, courseId: course } })).toBe(1);
  });
});
