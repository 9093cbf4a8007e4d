// Test results: recording (grader = caller, enrolled students only), listing, correcting, deleting.
import type { Server } from '@hapi/hapi';
import { enroll, json, makeResult, makeTest, makeWorld, type World } from './helpers/fixtures';
import { createTestServer } from './helpers/server';
import { createUser } from './helpers/users';

describe('test results', () => {
  let server: Server;
  let w: World;

  beforeAll(async () => {
    server = await createTestServer();
    w = await makeWorld(server);
  });

  afterAll(async () => {
    await server.stop();
  });

  const post = (testId: number, headers: object | undefined, payload: object) =>
    server.inject({ method: 'POST', url: `/courses/tests/${testId}/test-results`, headers: headers as Record<string, string>, payload });

  describe('POST /courses/tests/{testId}/test-results', () => {
    test('the teacher records a result; the grader is the caller', async () => {
      const test = await makeTest(server, w.course);
      const res = await post(test, w.teacher.headers, { result: 875, studentId: w.student.id });
      expect(res.statusCode).toBe(201);
      expect(json(res)).toEqual({
        id: expect.any(Number),
        result: 875,
        studentId: w.student.id,
        graderId: w.teacher.id,
        testId: test,
        createdAt: expect.any(String),
      });
    });

    test('a second result for the same student and test → 409', async () => {
      const res = await post(w.test, w.teacher.headers, { result: 100, studentId: w.student.id });
      expect(res.statusCode).toBe(409);
    });

    test('only students enrolled as STUDENT in the course → else 400', async () => {
      const test = await makeTest(server, w.course);
      for (const studentId of [w.outsider.id, w.teacher.id, w.otherTeacher.id, 2147483647]) {
        const res = await post(test, w.admin.headers, { result: 500, studentId });
        expect(res.statusCode).toBe(400);
        expect(json(res).message).toMatch(/studentId/);
      }
      expect(await server.app.db.testResult.count({ where: { testId: test } })).toBe(0);
    });

    test('students and other teachers get 403; admins 201 (grader = admin)', async () => {
      const test = await makeTest(server, w.course);
      expect((await post(test, w.student.headers, { result: 1000, studentId: w.student.id })).statusCode).toBe(403);
      expect((await post(test, w.otherTeacher.headers, { result: 1000, studentId: w.student.id })).statusCode).toBe(403);
      const res = await post(test, w.admin.headers, { result: 1000, studentId: w.student.id });
      expect(res.statusCode).toBe(201);
      expect(json(res).graderId).toBe(w.admin.id);
    });

    test.each([
      [{ result: 1001, studentId: 1 }, /result/],
      [{ result: -1, studentId: 1 }, /result/],
      [{ result: 87.5, studentId: 1 }, /result/],
      [{ result: 500 }, /studentId/],
      [{ result: 500, studentId: 2147483648 }, /studentId/],
      [{ result: 500, studentId: 1, graderId: 1 }, /graderId/],
    ])('400 for %j', async (payload, field) => {
      const res = await post(w.test, w.teacher.headers, payload);
      expect(res.statusCode).toBe(400);
      expect(json(res).message).toMatch(field);
    });

    test('unknown test 404, no token 401', async () => {
      expect((await post(2147483647, w.student.headers, { result: 1, studentId: w.student.id })).statusCode).toBe(404);
      expect((await post(w.test, undefined, { result: 1, studentId: w.student.id })).statusCode).toBe(401);
    });
  });

  describe('GET /courses/tests/{testId}/test-results', () => {
    test('the teacher lists results by id, with take and skip', async () => {
      const test = await makeTest(server, w.course);
      const students = await Promise.all([createUser(server), createUser(server), createUser(server)]);
      const ids = [];
      for (const [i, s] of students.entries()) {
        await enroll(server, s.id, w.course);
        ids.push(await makeResult(server, test, s.id, 100 * (i + 1), w.teacher.id));
      }
      const res = await server.inject({ url: `/courses/tests/${test}/test-results`, headers: w.teacher.headers });
      expect(res.statusCode).toBe(200);
      expect(json(res).map((r: { id: number }) => r.id)).toEqual(ids);
      const page = await server.inject({ url: `/courses/tests/${test}/test-results?take=1&skip=1`, headers: w.teacher.headers });
      expect(json(page)).toEqual([expect.objectContaining({ id: ids[1], result: 200, studentId: students[1].id })]);
    });

    test('students get 403, admins 200, unknown test 404', async () => {
      expect((await server.inject({ url: `/courses/tests/${w.test}/test-results`, headers: w.student.headers })).statusCode).toBe(403);
      expect((await server.inject({ url: `/courses/tests/${w.test}/test-results`, headers: w.admin.headers })).statusCode).toBe(200);
      expect((await server.inject({ url: '/courses/tests/2147483647/test-results', headers: w.admin.headers })).statusCode).toBe(404);
    });
  });

  describe('PUT and DELETE /courses/tests/test-results/{testResultId}', () => {
    test('the grader corrects a result even without teaching the course', async () => {
      const grader = await createUser(server);
      const id = await makeResult(server, await makeTest(server, w.course), w.student.id, 300, grader.id);
      const res = await server.inject({ method: 'PUT', url: `/courses/tests/test-results/${id}`, headers: grader.headers, payload: { result: 350 } });
      expect(res.statusCode).toBe(200);
      expect(json(res)).toMatchObject({ id, result: 350, graderId: grader.id });
    });

    test('a teacher of the course corrects and deletes; the student and other teachers get 403', async () => {
      const id = await makeResult(server, await makeTest(server, w.course), w.student.id, 300, null);
      const url = `/courses/tests/test-results/${id}`;
      expect((await server.inject({ method: 'PUT', url, headers: w.student.headers, payload: { result: 1000 } })).statusCode).toBe(403);
      expect((await server.inject({ method: 'PUT', url, headers: w.otherTeacher.headers, payload: { result: 1000 } })).statusCode).toBe(403);
      expect((await server.inject({ method: 'DELETE', url, headers: w.student.headers })).statusCode).toBe(403);
      expect((await server.inject({ method: 'PUT', url, headers: w.teacher.headers, payload: { result: 1001 } })).statusCode).toBe(400);
      expect((await server.inject({ method: 'PUT', url, headers: w.teacher.headers, payload: { result: 400 } })).statusCode).toBe(200);
      expect((await server.inject({ method: 'DELETE', url, headers: w.teacher.headers })).statusCode).toBe(204);
      expect(await server.app.db.testResult.count({ where: { id } })).toBe(0);
      expect((await server.inject({ method: 'DELETE', url, headers: w.admin.headers })).statusCode).toBe(404);
      expect((await server.inject({ method: 'PUT', url, headers: w.admin.headers, payload: { result: 1 } })).statusCode).toBe(404);
    });

    test('bad ids → 400', async () => {
      expect((await server.inject({ method: 'DELETE', url: '/courses/tests/test-results/2147483648', headers: w.admin.headers })).statusCode).toBe(400);
    });
  });

  describe('GET /users/{userId}/test-results', () => {
    test("a student reads their own results; others get 403; admins 200", async () => {
      const res = await server.inject({ url: `/users/${w.student.id}/test-results`, headers: w.student.headers });
      expect(res.statusCode).toBe(200);
      const body = json(res);
      expect(body.length).toBeGreaterThanOrEqual(1);
      expect(body.every((r: { studentId: number }) => r.studentId === w.student.id)).toBe(true);
      expect(body).toContainEqual(expect.objectContaining({ id: w.result, result: 800, testId: w.test }));
      expect((await server.inject({ url: `/users/${w.student.id}/test-results`, headers: w.teacher.headers })).statusCode).toBe(403);
      expect((await server.inject({ url: `/users/${w.student.id}/test-results`, headers: w.admin.headers })).statusCode).toBe(200);
      expect((await server.inject({ url: '/users/2147483647/test-results', headers: w.admin.headers })).statusCode).toBe(404);
      expect((await server.inject({ url: `/users/${w.student.id}/test-results?take=1`, headers: w.student.headers })).payload).toMatch(/^\[\{[^\]]*\}\]$/);
    });
  });
});
