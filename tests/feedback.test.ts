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
    for (const res of [
      await post(ctx.w.course, ctx.w.outsider.headers, { feedback: 'x' }),
      await post(ctx.w.course, ctx.w.teacher.headers, { feedback: 'x' }),
      await post(ctx.w.otherCourse, ctx.w.student.headers, { feedback: 'x' }),
    ]) {
      expect(res.statusCode).toBe(403);
      expect(json(res).message).toBe('Not allowed: students of the course only');
    }
    expect(await ctx.server.app.db.courseFeedback.count({ where: { feedback: 'x' } })).toBe(0);
  });

  test('validation 400, unknown course 404, no token 401', async () => {
    for (const [payload, problem] of [
      [{}, /"feedback" is required/],
      [{ feedback: '' }, /"feedback" is not allowed to be empty/],
      [{ feedback: 'x'.repeat(5001) }, /"feedback" length must be less than or equal to 5000/],
      [{ feedback: 'ok', studentId: ctx.w.outsider.id }, /"studentId" is not allowed/],
    ] as const) {
      const res = await post(ctx.w.course, ctx.w.student.headers, payload);
      expect(res.statusCode).toBe(400);
      expect(json(res).message).toMatch(problem);
    }
    const unknown = await post(2147483647, ctx.w.student.headers, { feedback: 'ok' });
    expect(unknown.statusCode).toBe(404);
    expect(json(unknown).message).toBe('Course not found');
    expect((await post(ctx.w.course, undefined, { feedback: 'ok' })).statusCode).toBe(401);
  });

  test('reading: students and other teachers 403, admins 200, unknown course 404', async () => {
    for (const caller of [ctx.w.student, ctx.w.otherTeacher]) {
      const res = await ctx.server.inject({ url: `/courses/${ctx.w.course}/feedback`, headers: caller.headers });
      expect(res.statusCode).toBe(403);
      expect(json(res).message).toBe('Not allowed: teachers of the course only');
    }
    const admin = await ctx.server.inject({ url: `/courses/${ctx.w.course}/feedback`, headers: ctx.w.admin.headers });
    expect(admin.statusCode).toBe(200);
    expect(json(admin)).toContainEqual(expect.objectContaining({ feedback: 'Clear and fun', studentId: ctx.w.student.id }));
    for (const [id, status, message] of [
      ['2147483647', 404, 'Course not found'],
      ['abc', 400, '"courseId" must be a number'],
    ] as const) {
      const res = await ctx.server.inject({ url: `/courses/${id}/feedback`, headers: ctx.w.admin.headers });
      expect({ id, status: res.statusCode }).toEqual({ id, status });
      expect(json(res).message).toBe(message);
    }
  });
});
