// Test results: recording (grader = caller, enrolled students only), listing, correcting, deleting.
import { enroll, json, makeResult, makeTest, useWorld } from './helpers/fixtures';
import { createUser } from './helpers/users';

describe('test results', () => {
  const ctx = useWorld();

  const post = (testId: number, headers: object | undefined, payload: object) =>
    ctx.server.inject({
      method: 'POST',
      url: `/courses/tests/${testId}/test-results`,
      headers: headers as Record<string, string>,
      payload,
    });

  describe('POST /courses/tests/{testId}/test-results', () => {
    test('the teacher records a result; the grader is the caller', async () => {
      const test = await makeTest(ctx.server, ctx.w.course);
      const res = await post(test, ctx.w.teacher.headers, { result: 875, studentId: ctx.w.student.id });
      expect(res.statusCode).toBe(201);
      expect(json(res)).toEqual({
        id: expect.any(Number),
        result: 875,
        studentId: ctx.w.student.id,
        graderId: ctx.w.teacher.id,
        testId: test,
        createdAt: expect.any(String),
      });
    });

    test('one statement records it: createdAt is now in UTC, as a later read returns it, and history names the grader', async () => {
      const test = await makeTest(ctx.server, ctx.w.course);
      const before = Date.now();
      const res = await post(test, ctx.w.teacher.headers, { result: 640, studentId: ctx.w.student.id });
      expect(res.statusCode).toBe(201);
      const created = json(res);
      const createdAt = Date.parse(created.createdAt);
      expect(Math.abs(createdAt - before)).toBeLessThan(60_000);
      const listed = json(
        await ctx.server.inject({ method: 'GET', url: `/courses/tests/${test}/test-results`, headers: ctx.w.teacher.headers }),
      );
      expect(listed).toEqual([created]);
      const history = json(
        await ctx.server.inject({ method: 'GET', url: `/courses/tests/${test}/test-results/history`, headers: ctx.w.teacher.headers }),
      );
      expect(history).toEqual([
        expect.objectContaining({
          testResultId: created.id,
          action: 'CREATE',
          oldResult: null,
          newResult: 640,
          changedBy: ctx.w.teacher.id,
        }),
      ]);
    });

    test('a second result for the same student and test → 409', async () => {
      const res = await post(ctx.w.test, ctx.w.teacher.headers, { result: 100, studentId: ctx.w.student.id });
      expect(res.statusCode).toBe(409);
      expect(json(res)).toMatchObject({
        error: 'Conflict',
        message: expect.stringMatching(/^Conflict: a record with the same .*studentId/),
      });
      // The first result stands.
      expect((await ctx.server.app.db.testResult.findUniqueOrThrow({ where: { id: ctx.w.result } })).result).toBe(800);
    });

    test('only students enrolled as STUDENT in the course → else 400', async () => {
      const test = await makeTest(ctx.server, ctx.w.course);
      for (const studentId of [ctx.w.outsider.id, ctx.w.teacher.id, ctx.w.otherTeacher.id, 2147483647]) {
        const res = await post(test, ctx.w.admin.headers, { result: 500, studentId });
        expect(res.statusCode).toBe(400);
        expect(json(res).message).toBe(`"studentId" ${studentId} is not a student of course ${ctx.w.course}`);
      }
      expect(await ctx.server.app.db.testResult.count({ where: { testId: test } })).toBe(0);
    });

    test('students and other teachers get 403; admins 201 (grader = admin)', async () => {
      const test = await makeTest(ctx.server, ctx.w.course);
      for (const caller of [ctx.w.student, ctx.w.otherTeacher]) {
        const refused = await post(test, caller.headers, { result: 1000, studentId: ctx.w.student.id });
        expect(refused.statusCode).toBe(403);
        expect(json(refused).message).toBe('Not allowed: teachers of the course only');
      }
      const res = await post(test, ctx.w.admin.headers, { result: 1000, studentId: ctx.w.student.id });
      expect(res.statusCode).toBe(201);
      expect(json(res)).toMatchObject({ graderId: ctx.w.admin.id, studentId: ctx.w.student.id, result: 1000, testId: test });
    });

    test.each([
      [{ result: 1001, studentId: 1 }, /result/],
      [{ result: -1, studentId: 1 }, /result/],
      [{ result: 87.5, studentId: 1 }, /result/],
      [{ result: 500 }, /studentId/],
      [{ result: 500, studentId: 2147483648 }, /studentId/],
      [{ result: 500, studentId: 1, graderId: 1 }, /graderId/],
    ])('400 for %j', async (payload, field) => {
      const res = await post(ctx.w.test, ctx.w.teacher.headers, payload);
      expect(res.statusCode).toBe(400);
      expect(json(res).message).toMatch(field);
    });

    test('unknown test 404, no token 401', async () => {
      const unknown = await post(2147483647, ctx.w.student.headers, { result: 1, studentId: ctx.w.student.id });
      expect(unknown.statusCode).toBe(404);
      expect(json(unknown).message).toBe('Test not found');
      expect((await post(ctx.w.test, undefined, { result: 1, studentId: ctx.w.student.id })).statusCode).toBe(401);
    });
  });

  describe('GET /courses/tests/{testId}/test-results', () => {
    test('the teacher lists results by id, with take and skip', async () => {
      const test = await makeTest(ctx.server, ctx.w.course);
      const students = await Promise.all([createUser(ctx.server), createUser(ctx.server), createUser(ctx.server)]);
      const ids = [];
      for (const [i, s] of students.entries()) {
        await enroll(ctx.server, s.id, ctx.w.course);
        ids.push(await makeResult(ctx.server, test, s.id, 100 * (i + 1), ctx.w.teacher.id));
      }
      const res = await ctx.server.inject({ url: `/courses/tests/${test}/test-results`, headers: ctx.w.teacher.headers });
      expect(res.statusCode).toBe(200);
      expect(json(res).map((r: { id: number }) => r.id)).toEqual(ids);
      const page = await ctx.server.inject({ url: `/courses/tests/${test}/test-results?take=1&skip=1`, headers: ctx.w.teacher.headers });
      expect(json(page)).toEqual([expect.objectContaining({ id: ids[1], result: 200, studentId: students[1].id })]);
    });

    test('students get 403, admins 200, unknown test 404', async () => {
      const student = await ctx.server.inject({ url: `/courses/tests/${ctx.w.test}/test-results`, headers: ctx.w.student.headers });
      expect(student.statusCode).toBe(403);
      expect(json(student).message).toBe('Not allowed: teachers of the course only');
      const admin = await ctx.server.inject({ url: `/courses/tests/${ctx.w.test}/test-results`, headers: ctx.w.admin.headers });
      expect(admin.statusCode).toBe(200);
      expect(json(admin)).toContainEqual(expect.objectContaining({ id: ctx.w.result, result: 800, studentId: ctx.w.student.id }));
      const unknown = await ctx.server.inject({ url: '/courses/tests/2147483647/test-results', headers: ctx.w.admin.headers });
      expect(unknown.statusCode).toBe(404);
      expect(json(unknown).message).toBe('Test not found');
    });
  });

  describe('PUT and DELETE /courses/tests/test-results/{testResultId}', () => {
    test('having graded a result gives no right without teaching the course (security review)', async () => {
      const grader = await createUser(ctx.server);
      const id = await makeResult(ctx.server, await makeTest(ctx.server, ctx.w.course), ctx.w.student.id, 300, grader.id);
      const res = await ctx.server.inject({
        method: 'PUT',
        url: `/courses/tests/test-results/${id}`,
        headers: grader.headers,
        payload: { result: 350 },
      });
      expect(res.statusCode).toBe(403);
      expect(json(res).message).toBe('Not allowed: teachers of the course only');
      const del = await ctx.server.inject({ method: 'DELETE', url: `/courses/tests/test-results/${id}`, headers: grader.headers });
      expect(del.statusCode).toBe(403);
      expect(json(del).message).toBe('Not allowed: teachers of the course only');
    });

    test('a teacher of the course corrects and deletes; the student and other teachers get 403', async () => {
      const id = await makeResult(ctx.server, await makeTest(ctx.server, ctx.w.course), ctx.w.student.id, 300, null);
      const url = `/courses/tests/test-results/${id}`;
      const refused = [
        await ctx.server.inject({ method: 'PUT', url, headers: ctx.w.student.headers, payload: { result: 1000 } }),
        await ctx.server.inject({ method: 'PUT', url, headers: ctx.w.otherTeacher.headers, payload: { result: 1000 } }),
        await ctx.server.inject({ method: 'DELETE', url, headers: ctx.w.student.headers }),
      ];
      for (const res of refused) {
        expect(res.statusCode).toBe(403);
        expect(json(res).message).toBe('Not allowed: teachers of the course only');
      }
      const outOfRange = await ctx.server.inject({ method: 'PUT', url, headers: ctx.w.teacher.headers, payload: { result: 1001 } });
      expect(outOfRange.statusCode).toBe(400);
      expect(json(outOfRange).message).toMatch(/"result" must be less than or equal to 1000/);
      const corrected = await ctx.server.inject({ method: 'PUT', url, headers: ctx.w.teacher.headers, payload: { result: 400 } });
      expect(corrected.statusCode).toBe(200);
      expect(json(corrected)).toMatchObject({ id, result: 400, studentId: ctx.w.student.id });
      expect((await ctx.server.inject({ method: 'DELETE', url, headers: ctx.w.teacher.headers })).statusCode).toBe(204);
      expect(await ctx.server.app.db.testResult.count({ where: { id } })).toBe(0);
      const gone = [
        await ctx.server.inject({ method: 'DELETE', url, headers: ctx.w.admin.headers }),
        await ctx.server.inject({ method: 'PUT', url, headers: ctx.w.admin.headers, payload: { result: 1 } }),
      ];
      for (const res of gone) {
        expect(res.statusCode).toBe(404);
        expect(json(res).message).toBe('Test result not found');
      }
    });

    test('bad ids → 400', async () => {
      const res = await ctx.server.inject({
        method: 'DELETE',
        url: '/courses/tests/test-results/2147483648',
        headers: ctx.w.admin.headers,
      });
      expect(res.statusCode).toBe(400);
      expect(json(res).message).toMatch(/"testResultId" must be less than or equal to 2147483647/);
    });
  });

  describe('GET /users/{userId}/test-results', () => {
    test('a student reads their own results; others get 403; admins 200', async () => {
      const res = await ctx.server.inject({ url: `/users/${ctx.w.student.id}/test-results`, headers: ctx.w.student.headers });
      expect(res.statusCode).toBe(200);
      const body = json(res);
      expect(body.length).toBeGreaterThanOrEqual(1);
      expect(body.every((r: { studentId: number }) => r.studentId === ctx.w.student.id)).toBe(true);
      expect(body).toContainEqual(expect.objectContaining({ id: ctx.w.result, result: 800, testId: ctx.w.test }));
      const teacher = await ctx.server.inject({ url: `/users/${ctx.w.student.id}/test-results`, headers: ctx.w.teacher.headers });
      expect(teacher.statusCode).toBe(403);
      expect(json(teacher).message).toBe('Not allowed: only for yourself');
      const admin = await ctx.server.inject({ url: `/users/${ctx.w.student.id}/test-results`, headers: ctx.w.admin.headers });
      expect(admin.statusCode).toBe(200);
      expect(json(admin)).toEqual(body);
      const unknown = await ctx.server.inject({ url: '/users/2147483647/test-results', headers: ctx.w.admin.headers });
      expect(unknown.statusCode).toBe(404);
      expect(json(unknown).message).toBe('User not found');
      expect(
        (await ctx.server.inject({ url: `/users/${ctx.w.student.id}/test-results?take=1`, headers: ctx.w.student.headers })).payload,
      ).toMatch(/^\[\{[^\]]*\}\]$/);
    });
  });
});
