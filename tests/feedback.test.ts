// Course feedback: enrolled students write it, teachers of the course and admins read it.
import type { Server } from '@hapi/hapi';
import { json, makeWorld, type World } from './helpers/fixtures';
import { createTestServer } from './helpers/server';

describe('feedback', () => {
  let server: Server;
  let w: World;

  beforeAll(async () => {
    server = await createTestServer();
    w = await makeWorld(server);
  });

  afterAll(async () => {
    await server.stop();
  });

  const post = (courseId: number, headers: object | undefined, payload: object) =>
    server.inject({ method: 'POST', url: `/courses/${courseId}/feedback`, headers: headers as Record<string, string>, payload });

  test('an enrolled student gives feedback; the teacher reads it', async () => {
    const res = await post(w.course, w.student.headers, { feedback: 'Clear and fun' });
    expect(res.statusCode).toBe(201);
    expect(json(res)).toEqual({
      id: expect.any(Number),
      feedback: 'Clear and fun',
      courseId: w.course,
      studentId: w.student.id,
      createdAt: expect.any(String),
    });
    await post(w.course, w.student2.headers, { feedback: 'Too fast' });
    const list = await server.inject({ url: `/courses/${w.course}/feedback`, headers: w.teacher.headers });
    expect(list.statusCode).toBe(200);
    expect(json(list).map((f: { feedback: string }) => f.feedback)).toEqual(['Clear and fun', 'Too fast']);
    const page = await server.inject({ url: `/courses/${w.course}/feedback?take=1&skip=1`, headers: w.teacher.headers });
    expect(json(page)).toEqual([expect.objectContaining({ feedback: 'Too fast', studentId: w.student2.id })]);
  });

  test('only enrolled STUDENTs may post: outsiders, teachers, students of other courses get 403', async () => {
    expect((await post(w.course, w.outsider.headers, { feedback: 'x' })).statusCode).toBe(403);
    expect((await post(w.course, w.teacher.headers, { feedback: 'x' })).statusCode).toBe(403);
    expect((await post(w.otherCourse, w.student.headers, { feedback: 'x' })).statusCode).toBe(403);
    expect(await server.app.db.courseFeedback.count({ where: { feedback: 'x' } })).toBe(0);
  });

  test('validation 400, unknown course 404, no token 401', async () => {
    expect((await post(w.course, w.student.headers, {})).statusCode).toBe(400);
    expect((await post(w.course, w.student.headers, { feedback: '' })).statusCode).toBe(400);
    expect((await post(w.course, w.student.headers, { feedback: 'x'.repeat(5001) })).statusCode).toBe(400);
    expect((await post(w.course, w.student.headers, { feedback: 'ok', studentId: w.outsider.id })).statusCode).toBe(400);
    expect((await post(2147483647, w.student.headers, { feedback: 'ok' })).statusCode).toBe(404);
    expect((await post(w.course, undefined, { feedback: 'ok' })).statusCode).toBe(401);
  });

  test('reading: students and other teachers 403, admins 200, unknown course 404', async () => {
    expect((await server.inject({ url: `/courses/${w.course}/feedback`, headers: w.student.headers })).statusCode).toBe(403);
    expect((await server.inject({ url: `/courses/${w.course}/feedback`, headers: w.otherTeacher.headers })).statusCode).toBe(403);
    expect((await server.inject({ url: `/courses/${w.course}/feedback`, headers: w.admin.headers })).statusCode).toBe(200);
    expect((await server.inject({ url: '/courses/2147483647/feedback', headers: w.admin.headers })).statusCode).toBe(404);
    expect((await server.inject({ url: '/courses/abc/feedback', headers: w.admin.headers })).statusCode).toBe(400);
  });
});
