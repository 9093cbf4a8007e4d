// The grade history: every change of a result appends one row in the same transaction (a trigger on
// test_results; the acting user is passed in the transaction), readable by the course's teachers.
import { enroll, json, makeTest, useWorld } from './helpers/fixtures';
import { createUser } from './helpers/users';

describe('result history', () => {
  const ctx = useWorld();

  const history = (testId: number, query = '', headers = ctx.w.teacher.headers) =>
    ctx.server.inject({ url: `/courses/tests/${testId}/test-results/history${query}`, headers });

  test('POST, PUT and DELETE each append one row with the caller; a PUT of the same value appends nothing; history outlives the result', async () => {
    const test = await makeTest(ctx.server, ctx.w.course);
    const { teacher, admin, student } = ctx.w;
    const created = json(
      await ctx.server.inject({
        method: 'POST',
        url: `/courses/tests/${test}/test-results`,
        headers: teacher.headers,
        payload: { result: 700, studentId: student.id },
      }),
    );
    const url = `/courses/tests/test-results/${created.id}`;
    for (const caller of [admin, teacher]) {
      const put = await ctx.server.inject({ method: 'PUT', url, headers: caller.headers, payload: { result: 750 } });
      expect(put.statusCode).toBe(200);
      expect(json(put)).toMatchObject({ id: created.id, result: 750, studentId: student.id });
    }
    expect((await ctx.server.inject({ method: 'DELETE', url, headers: teacher.headers })).statusCode).toBe(204);

    const res = await history(test);
    expect(res.statusCode).toBe(200);
    const base = { id: expect.any(Number), testId: test, testResultId: created.id, studentId: student.id, changedAt: expect.any(String) };
    const rows = json(res);
    expect(rows).toEqual([
      { ...base, action: 'CREATE', oldResult: null, newResult: 700, changedBy: teacher.id },
      { ...base, action: 'UPDATE', oldResult: 700, newResult: 750, changedBy: admin.id },
      { ...base, action: 'DELETE', oldResult: 750, newResult: null, changedBy: teacher.id },
    ]);
    expect(rows.map((r: { id: number }) => r.id)).toEqual([...rows.map((r: { id: number }) => r.id)].sort((a, b) => a - b));
    expect(Date.now() - new Date(rows[0].changedAt).getTime()).toBeLessThan(5 * 60_000);
  });

  test('a failed write leaves no history (same transaction)', async () => {
    const test = await makeTest(ctx.server, ctx.w.course);
    const post = () =>
      ctx.server.inject({
        method: 'POST',
        url: `/courses/tests/${test}/test-results`,
        headers: ctx.w.teacher.headers,
        payload: { result: 1, studentId: ctx.w.student.id },
      });
    expect((await post()).statusCode).toBe(201);
    const duplicate = await post();
    expect(duplicate.statusCode).toBe(409);
    expect(json(duplicate).message).toMatch(/^Conflict: a record with the same .*studentId/);
    expect(json(await history(test))).toHaveLength(1);
  });

  test('bulk rows: one row per created or updated result, none for unchanged ones', async () => {
    const test = await makeTest(ctx.server, ctx.w.course);
    const { student, student2, teacher } = ctx.w;
    const put = (rows: object[]) =>
      ctx.server.inject({ method: 'PUT', url: `/courses/tests/${test}/test-results`, headers: teacher.headers, payload: rows });
    await put([
      { studentId: student.id, result: 100 },
      { studentId: student2.id, result: 200 },
    ]);
    await put([
      { studentId: student.id, result: 100 },
      { studentId: student2.id, result: 250 },
    ]);
    const rows = json(await history(test));
    expect(
      rows.map((r: { action: string; studentId: number; oldResult: number; newResult: number; changedBy: number }) => [
        r.action,
        r.studentId,
        r.oldResult,
        r.newResult,
        r.changedBy,
      ]),
    ).toEqual([
      ['CREATE', student.id, null, 100, teacher.id],
      ['CREATE', student2.id, null, 200, teacher.id],
      ['UPDATE', student2.id, 200, 250, teacher.id],
    ]);
    // ?studentId= filters; take/skip page, by id.
    expect(json(await history(test, `?studentId=${student2.id}`)).map((r: { newResult: number }) => r.newResult)).toEqual([200, 250]);
    expect(json(await history(test, '?take=1&skip=1')).map((r: { newResult: number }) => r.newResult)).toEqual([200]);
  });

  test('a deleted grader becomes changedBy null; the history goes with its student and with its test', async () => {
    const test = await makeTest(ctx.server, ctx.w.course);
    const grader = await createUser(ctx.server);
    await enroll(ctx.server, grader.id, ctx.w.course, 'TEACHER');
    const student = await createUser(ctx.server);
    await enroll(ctx.server, student.id, ctx.w.course);
    for (const studentId of [ctx.w.student.id, student.id]) {
      const res = await ctx.server.inject({
        method: 'POST',
        url: `/courses/tests/${test}/test-results`,
        headers: grader.headers,
        payload: { result: 640, studentId },
      });
      expect(res.statusCode).toBe(201);
    }
    expect((await ctx.server.inject({ method: 'DELETE', url: `/users/${grader.id}`, headers: grader.headers })).statusCode).toBe(204);
    expect(json(await history(test)).map((r: { changedBy: number | null }) => r.changedBy)).toEqual([null, null]);

    // The student's account goes, with their results and their history; nothing new is appended.
    expect((await ctx.server.inject({ method: 'DELETE', url: `/users/${student.id}`, headers: student.headers })).statusCode).toBe(204);
    expect(json(await history(test)).map((r: { studentId: number }) => r.studentId)).toEqual([ctx.w.student.id]);

    expect((await ctx.server.inject({ method: 'DELETE', url: `/courses/tests/${test}`, headers: ctx.w.teacher.headers })).statusCode).toBe(
      204,
    );
    expect(await ctx.server.app.db.testResultHistory.count({ where: { testId: test } })).toBe(0);
  });

  test('teachers of the course and admins only; 400 → 404 → 403', async () => {
    expect((await ctx.server.inject({ url: `/courses/tests/${ctx.w.test}/test-results/history` })).statusCode).toBe(401);
    const admin = await history(ctx.w.test, '', ctx.w.admin.headers);
    expect(admin.statusCode).toBe(200);
    expect(json(admin)).toEqual(json(await history(ctx.w.test)));
    for (const [query, problem] of [
      ['?studentId=0', /"studentId" must be greater than or equal to 1/],
      ['?studentId=abc', /"studentId" must be a number/],
      ['?take=101', /"take" must be less than or equal to 100/],
      ['?skip=-1', /"skip" must be greater than or equal to 0/],
      ['?other=1', /"other" is not allowed/],
    ] as const) {
      const res = await history(ctx.w.test, query);
      expect(res.statusCode).toBe(400);
      expect(json(res).message).toMatch(problem);
    }
    const unknown = await history(2147483647, '', ctx.w.student.headers);
    expect(unknown.statusCode).toBe(404);
    expect(json(unknown).message).toBe('Test not found');
    for (const caller of [ctx.w.student, ctx.w.otherTeacher]) {
      const res = await history(ctx.w.test, '', caller.headers);
      expect(res.statusCode).toBe(403);
      expect(json(res).message).toBe('Not allowed: teachers of the course only');
    }
  });
});
