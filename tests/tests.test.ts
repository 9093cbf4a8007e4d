// Tests of a course: create (teacher/admin), read (any), update, delete with its results.
import { json, makeResult, makeTest, useWorld } from './helpers/fixtures';

describe('tests', () => {
  const ctx = useWorld();

  describe('POST /courses/{courseId}/tests', () => {
    const payload = { name: 'Final', date: '2026-06-30T10:00:00.000Z' };

    test('the teacher adds a test', async () => {
      const res = await ctx.server.inject({
        method: 'POST',
        url: `/courses/${ctx.w.course}/tests`,
        headers: ctx.w.teacher.headers,
        payload,
      });
      expect(res.statusCode).toBe(201);
      expect(json(res)).toEqual({
        id: expect.any(Number),
        name: 'Final',
        date: payload.date,
        weight: 1,
        released: true,
        releasedAt: expect.any(String),
        courseId: ctx.w.course,
        updatedAt: expect.any(String),
      });
    });

    test('students and other teachers get 403, admins 201, unknown course 404', async () => {
      const url = `/courses/${ctx.w.course}/tests`;
      for (const caller of [ctx.w.student, ctx.w.otherTeacher]) {
        const res = await ctx.server.inject({ method: 'POST', url, headers: caller.headers, payload });
        expect(res.statusCode).toBe(403);
        expect(json(res).message).toBe('Not allowed: teachers of the course only');
      }
      const admin = await ctx.server.inject({ method: 'POST', url, headers: ctx.w.admin.headers, payload });
      expect(admin.statusCode).toBe(201);
      expect(json(admin)).toMatchObject({ name: 'Final', date: payload.date, courseId: ctx.w.course });
      const unknown = await ctx.server.inject({
        method: 'POST',
        url: '/courses/2147483647/tests',
        headers: ctx.w.student.headers,
        payload,
      });
      expect(unknown.statusCode).toBe(404);
      expect(json(unknown).message).toBe('Course not found');
      expect((await ctx.server.inject({ method: 'POST', url, payload })).statusCode).toBe(401);
    });

    test.each([
      [{ name: 'x' }, /date/],
      [{ name: 'x', date: 'next tuesday' }, /date/],
      [{ name: 'x', date: 1700000000000 }, /date/],
      [{ date: '2026-01-01' }, /name/],
      [{ name: 'x', date: '2026-01-01', courseId: 1 }, /courseId/],
    ])('400 for %j', async (body, field) => {
      const res = await ctx.server.inject({
        method: 'POST',
        url: `/courses/${ctx.w.course}/tests`,
        headers: ctx.w.teacher.headers,
        payload: body,
      });
      expect(res.statusCode).toBe(400);
      expect(json(res).message).toMatch(field);
    });
  });

  describe('GET /courses/tests/{testId}', () => {
    test('anyone authenticated reads a test', async () => {
      const res = await ctx.server.inject({ url: `/courses/tests/${ctx.w.test}`, headers: ctx.w.outsider.headers });
      expect(res.statusCode).toBe(200);
      expect(json(res)).toMatchObject({ id: ctx.w.test, name: 'Midterm', courseId: ctx.w.course, date: '2026-01-15T09:00:00.000Z' });
    });

    test('404, 400, 401', async () => {
      for (const [id, status, message] of [
        ['2147483647', 404, 'Test not found'],
        ['2147483648', 400, '"testId" must be less than or equal to 2147483647'],
        ['0', 400, '"testId" must be greater than or equal to 1'],
      ] as const) {
        const res = await ctx.server.inject({ url: `/courses/tests/${id}`, headers: ctx.w.outsider.headers });
        expect({ id, status: res.statusCode }).toEqual({ id, status });
        expect(json(res).message).toBe(message);
      }
      expect((await ctx.server.inject({ url: `/courses/tests/${ctx.w.test}` })).statusCode).toBe(401);
    });
  });

  describe('PUT /courses/tests/{testId}', () => {
    test('the teacher renames and reschedules a test', async () => {
      const test = await makeTest(ctx.server, ctx.w.course, 'Quiz');
      const res = await ctx.server.inject({
        method: 'PUT',
        url: `/courses/tests/${test}`,
        headers: ctx.w.teacher.headers,
        payload: { name: 'Quiz 1', date: '2026-02-01T08:00:00Z' },
      });
      expect(res.statusCode).toBe(200);
      expect(json(res)).toMatchObject({ id: test, name: 'Quiz 1', date: '2026-02-01T08:00:00.000Z' });
    });

    test('a teacher of another course gets 403; empty update 400; unknown 404', async () => {
      const url = `/courses/tests/${ctx.w.test}`;
      for (const caller of [ctx.w.otherTeacher, ctx.w.student]) {
        const res = await ctx.server.inject({ method: 'PUT', url, headers: caller.headers, payload: { name: 'x' } });
        expect(res.statusCode).toBe(403);
        expect(json(res).message).toBe('Not allowed: teachers of the course only');
      }
      for (const [target, caller, payload, status, message] of [
        [url, ctx.w.teacher, {}, 400, /must have at least 1 key/],
        ['/courses/tests/2147483647', ctx.w.student, { name: 'x' }, 404, /^Test not found$/],
      ] as const) {
        const res = await ctx.server.inject({ method: 'PUT', url: target, headers: caller.headers, payload });
        expect({ target, status: res.statusCode }).toEqual({ target, status });
        expect(json(res).message).toMatch(message);
      }
      expect(json(await ctx.server.inject({ url, headers: ctx.w.student.headers })).name).toBe('Midterm');
    });
  });

  describe('DELETE /courses/tests/{testId}', () => {
    test('the teacher deletes a test and its results', async () => {
      const test = await makeTest(ctx.server, ctx.w.course, 'Gone');
      await makeResult(ctx.server, test, ctx.w.student.id, 500, ctx.w.teacher.id);
      const refused = await ctx.server.inject({ method: 'DELETE', url: `/courses/tests/${test}`, headers: ctx.w.student.headers });
      expect(refused.statusCode).toBe(403);
      expect(json(refused).message).toBe('Not allowed: teachers of the course only');
      const res = await ctx.server.inject({ method: 'DELETE', url: `/courses/tests/${test}`, headers: ctx.w.teacher.headers });
      expect(res.statusCode).toBe(204);
      expect(await ctx.server.app.db.testResult.count({ where: { testId: test } })).toBe(0);
      for (const gone of [
        await ctx.server.inject({ url: `/courses/tests/${test}`, headers: ctx.w.student.headers }),
        await ctx.server.inject({ method: 'DELETE', url: `/courses/tests/${test}`, headers: ctx.w.admin.headers }),
      ]) {
        expect(gone.statusCode).toBe(404);
        expect(json(gone).message).toBe('Test not found');
      }
    });
  });
});
