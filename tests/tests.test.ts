// Tests of a course: create (teacher/admin), read (any), update, delete with its results.
import type { Server } from '@hapi/hapi';
import { json, makeResult, makeTest, makeWorld, type World } from './helpers/fixtures';
import { createTestServer } from './helpers/server';

describe('tests', () => {
  let server: Server;
  let w: World;

  beforeAll(async () => {
    server = await createTestServer();
    w = await makeWorld(server);
  });

  afterAll(async () => {
    await server.stop();
  });

  describe('POST /courses/{courseId}/tests', () => {
    const payload = { name: 'Final', date: '2026-06-30T10:00:00.000Z' };

    test('the teacher adds a test', async () => {
      const res = await server.inject({ method: 'POST', url: `/courses/${w.course}/tests`, headers: w.teacher.headers, payload });
      expect(res.statusCode).toBe(201);
      expect(json(res)).toEqual({ id: expect.any(Number), name: 'Final', date: payload.date, courseId: w.course, updatedAt: expect.any(String) });
    });

    test('students and other teachers get 403, admins 201, unknown course 404', async () => {
      const url = `/courses/${w.course}/tests`;
      expect((await server.inject({ method: 'POST', url, headers: w.student.headers, payload })).statusCode).toBe(403);
      expect((await server.inject({ method: 'POST', url, headers: w.otherTeacher.headers, payload })).statusCode).toBe(403);
      expect((await server.inject({ method: 'POST', url, headers: w.admin.headers, payload })).statusCode).toBe(201);
      expect((await server.inject({ method: 'POST', url: '/courses/2147483647/tests', headers: w.student.headers, payload })).statusCode).toBe(404);
      expect((await server.inject({ method: 'POST', url, payload })).statusCode).toBe(401);
    });

    test.each([
      [{ name: 'x' }, /date/],
      [{ name: 'x', date: 'next tuesday' }, /date/],
      [{ name: 'x', date: 1700000000000 }, /date/],
      [{ date: '2026-01-01' }, /name/],
      [{ name: 'x', date: '2026-01-01', courseId: 1 }, /courseId/],
    ])('400 for %j', async (body, field) => {
      const res = await server.inject({ method: 'POST', url: `/courses/${w.course}/tests`, headers: w.teacher.headers, payload: body });
      expect(res.statusCode).toBe(400);
      expect(json(res).message).toMatch(field);
    });
  });

  describe('GET /courses/tests/{testId}', () => {
    test('anyone authenticated reads a test', async () => {
      const res = await server.inject({ url: `/courses/tests/${w.test}`, headers: w.outsider.headers });
      expect(res.statusCode).toBe(200);
      expect(json(res)).toMatchObject({ id: w.test, name: 'Midterm', courseId: w.course, date: '2026-01-15T09:00:00.000Z' });
    });

    test('404, 400, 401', async () => {
      expect((await server.inject({ url: '/courses/tests/2147483647', headers: w.outsider.headers })).statusCode).toBe(404);
      expect((await server.inject({ url: '/courses/tests/2147483648', headers: w.outsider.headers })).statusCode).toBe(400);
      expect((await server.inject({ url: '/courses/tests/0', headers: w.outsider.headers })).statusCode).toBe(400);
      expect((await server.inject({ url: `/courses/tests/${w.test}` })).statusCode).toBe(401);
    });
  });

  describe('PUT /courses/tests/{testId}', () => {
    test('the teacher renames and reschedules a test', async () => {
      const test = await makeTest(server, w.course, 'Quiz');
      const res = await server.inject({
        method: 'PUT',
        url: `/courses/tests/${test}`,
        headers: w.teacher.headers,
        payload: { name: 'Quiz 1', date: '2026-02-01T08:00:00Z' },
      });
      expect(res.statusCode).toBe(200);
      expect(json(res)).toMatchObject({ id: test, name: 'Quiz 1', date: '2026-02-01T08:00:00.000Z' });
    });

    test('a teacher of another course gets 403; empty update 400; unknown 404', async () => {
      const url = `/courses/tests/${w.test}`;
      expect((await server.inject({ method: 'PUT', url, headers: w.otherTeacher.headers, payload: { name: 'x' } })).statusCode).toBe(403);
      expect((await server.inject({ method: 'PUT', url, headers: w.student.headers, payload: { name: 'x' } })).statusCode).toBe(403);
      expect((await server.inject({ method: 'PUT', url, headers: w.teacher.headers, payload: {} })).statusCode).toBe(400);
      expect((await server.inject({ method: 'PUT', url: '/courses/tests/2147483647', headers: w.student.headers, payload: { name: 'x' } })).statusCode).toBe(404);
      expect(json(await server.inject({ url, headers: w.student.headers })).name).toBe('Midterm');
    });
  });

  describe('DELETE /courses/tests/{testId}', () => {
    test('the teacher deletes a test and its results', async () => {
      const test = await makeTest(server, w.course, 'Gone');
      await makeResult(server, test, w.student.id, 500, w.teacher.id);
      expect((await server.inject({ method: 'DELETE', url: `/courses/tests/${test}`, headers: w.student.headers })).statusCode).toBe(403);
      const res = await server.inject({ method: 'DELETE', url: `/courses/tests/${test}`, headers: w.teacher.headers });
      expect(res.statusCode).toBe(204);
      expect(await server.app.db.testResult.count({ where: { testId: test } })).toBe(0);
      expect((await server.inject({ url: `/courses/tests/${test}`, headers: w.student.headers })).statusCode).toBe(404);
      expect((await server.inject({ method: 'DELETE', url: `/courses/tests/${test}`, headers: w.admin.headers })).statusCode).toBe(404);
    });
  });
});
