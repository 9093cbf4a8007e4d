// Course feedback: enrolled students write it, teachers of the course and admins read it.
import { json, useWorld } from './helpers/fixtures';

describe('feedback', () => {
  const ctx = useWorld();

  const post = (courseId: number, headers: object | undefined, payload: object) =>
    ctx.server.inject({ method: 'POST', url: `/courses/${courseId}/feedback`, headers: headers as Record<string, string>, payload });

  test('an enrolled student gives feedback; the teacher reads it', async () => {
    const res = await post(ctx.w.course, ctx.w.student.headers, { feedback: 'Clear and fun' });
    expect(res.statusCode).toBe(201);
    expect(json(res)).toEqual({
      id: expect.any(Number),
      feedback: 'Clear and fun',
      courseId: ctx.w.course,
      studentId: ctx.w.student.id,
      createdAt: expect.any(String),
    });
    await post(ctx.w.course, ctx.w.student2.headers, { feedback: 'Too fast' });
    const list = await ctx.server.inject({ url: `/courses/${ctx.w.course}/feedback`, headers: ctx.w.teacher.headers });
    expect(list.statusCode).toBe(200);
    expect(json(list).map((f: { feedback: string }) => f.feedback)).toEqual(['Clear and fun', 'Too fast']);
    const page = await ctx.server.inject({ url: `/courses/${ctx.w.course}/feedback?take=1&skip=1`, headers: ctx.w.teacher.headers });
    expect(json(page)).toEqual([expect.objectContaining({ feedback: 'Too fast', studentId: ctx.w.student2.id })]);
  });

  test('only enrolled STUDENTs may post: outsiders, teachers, students of other courses get 403', async () => {
    expect((await post(ctx.w.course, ctx.w.outsider.headers, { feedback: 'x' })).statusCode).toBe(403);
    expect((await post(ctx.w.course, ctx.w.teacher.headers, { feedback: 'x' })).statusCode).toBe(403);
    expect((await post(ctx.w.otherCourse, ctx.w.student.headers, { feedback: 'x' })).statusCode).toBe(403);
    expect(await ctx.server.app.db.courseFeedback.count({ where: { feedback: 'x' } })).toBe(0);
  });

  test('validation 400, unknown course 404, no token 401', async () => {
    expect((await post(ctx.w.course, ctx.w.student.headers, {})).statusCode).toBe(400);
    expect((await post(ctx.w.course, ctx.w.student.headers, { feedback: '' })).statusCode).toBe(400);
    expect((await post(ctx.w.course, ctx.w.student.headers, { feedback: 'x'.repeat(5001) })).statusCode).toBe(400);
    expect((await post(ctx.w.course, ctx.w.student.headers, { feedback: 'ok', studentId: ctx.w.outsider.id })).statusCode).toBe(400);
    expect((await post(2147483647, ctx.w.student.headers, { feedback: 'ok' })).statusCode).toBe(404);
    expect((await post(ctx.w.course, undefined, { feedback: 'ok' })).statusCode).toBe(401);
  });

  test('reading: students and other teachers 403, admins 200, unknown course 404', async () => {
    expect((await ctx.server.inject({ url: `/courses/${ctx.w.course}/feedback`, headers: ctx.w.student.headers })).statusCode).toBe(403);
    expect((await ctx.server.inject({ url: `/courses/${ctx.w.course}/feedback`, headers: ctx.w.otherTeacher.headers })).statusCode).toBe(
      403,
    );
    expect((await ctx.server.inject({ url: `/courses/${ctx.w.course}/feedback`, headers: ctx.w.admin.headers })).statusCode).toBe(200);
    expect((await ctx.server.inject({ url: '/courses/2147483647/feedback', headers: ctx.w.admin.headers })).statusCode).toBe(404);
    expect((await ctx.server.inject({ url: '/courses/abc/feedback', headers: ctx.w.admin.headers })).statusCode).toBe(400);
  });
});
