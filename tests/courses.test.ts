// Courses: list, read, create (creator becomes TEACHER), update, delete with cascades.
import { json, makeCourse, useWorld } from './helpers/fixtures';
import { createUser, type TestUser } from './helpers/users';

describe('courses', () => {
  const ctx = useWorld();

  describe('GET /courses', () => {
    test('lists courses by id, each with its tests', async () => {
      const res = await ctx.server.inject({ url: '/courses', headers: ctx.w.student.headers });
      expect(res.statusCode).toBe(200);
      const body = json(res);
      expect(Array.isArray(body)).toBe(true);
      expect(body.length).toBeLessThanOrEqual(100);
      const ids = body.map((c: { id: number }) => c.id);
      expect(ids).toEqual([...ids].sort((a: number, b: number) => a - b));
      // Other test files add courses concurrently: page until ours shows up.
      let algebra;
      for (let skip = 0; !algebra; skip += 100) {
        const page = json(await ctx.server.inject({ url: `/courses?skip=${skip}`, headers: ctx.w.student.headers }));
        expect(page.length).toBeGreaterThan(0);
        algebra = page.find((c: { id: number }) => c.id === ctx.w.course);
      }
      expect(algebra).toMatchObject({ id: ctx.w.course, name: 'Algebra', courseDetails: 'Algebra details' });
      expect(algebra.tests).toEqual([
        {
          id: ctx.w.test,
          name: 'Midterm',
          date: '2026-01-15T09:00:00.000Z',
          weight: 1,
          released: true,
          releasedAt: expect.any(String),
          courseId: ctx.w.course,
          updatedAt: expect.any(String),
        },
      ]);
      expect(new Date(algebra.createdAt).toISOString()).toBe(algebra.createdAt);
    });

    test('take bounds the page (skip/take semantics: tests/enrollment.test.ts on a private list)', async () => {
      await makeCourse(ctx.server, undefined, 'Paged 1');
      await makeCourse(ctx.server, undefined, 'Paged 2');
      const page = await ctx.server.inject({ url: '/courses?take=2', headers: ctx.w.student.headers });
      expect(page.statusCode).toBe(200);
      const ids = json(page).map((c: { id: number }) => c.id);
      expect(ids).toHaveLength(2);
      expect(ids[0]).toBeLessThan(ids[1]);
    });

    test.each([
      ['take=0', '"take" must be greater than or equal to 1'],
      ['take=101', '"take" must be less than or equal to 100'],
      ['skip=-1', '"skip" must be greater than or equal to 0'],
      ['take=abc', '"take" must be a number'],
      ['unknown=1', '"unknown" is not allowed'],
    ])('rejects ?%s with 400', async (query, message) => {
      const res = await ctx.server.inject({ url: `/courses?${query}`, headers: ctx.w.student.headers });
      expect(res.statusCode).toBe(400);
      expect(json(res)).toMatchObject({ error: 'Bad Request', message });
    });

    test('needs a token', async () => {
      expect((await ctx.server.inject('/courses')).statusCode).toBe(401);
    });
  });

  describe('GET /courses/{courseId}', () => {
    test('returns the course with its tests', async () => {
      const res = await ctx.server.inject({ url: `/courses/${ctx.w.course}`, headers: ctx.w.outsider.headers });
      expect(res.statusCode).toBe(200);
      expect(json(res)).toMatchObject({ id: ctx.w.course, name: 'Algebra', tests: [{ id: ctx.w.test }] });
    });

    test('404 for an unknown course', async () => {
      const res = await ctx.server.inject({ url: '/courses/2147483647', headers: ctx.w.student.headers });
      expect(res.statusCode).toBe(404);
      expect(json(res)).toMatchObject({ statusCode: 404, error: 'Not Found', message: 'Course not found' });
    });

    test.each(['2147483648', '0', '-1', 'abc', '1.5', '99999999999999999999'])('400 for the id %s (never a 500)', async (id) => {
      const res = await ctx.server.inject({ url: `/courses/${id}`, headers: ctx.w.student.headers });
      expect(res.statusCode).toBe(400);
      expect(json(res).message).toMatch(/courseId/);
    });
  });

  describe('POST /courses', () => {
    test('creates a course and makes the creator its TEACHER', async () => {
      const creator = await createUser(ctx.server);
      const res = await ctx.server.inject({
        method: 'POST',
        url: '/courses',
        headers: creator.headers,
        payload: { name: 'Chemistry', courseDetails: 'Atoms' },
      });
      expect(res.statusCode).toBe(201);
      const course = json(res);
      expect(course).toMatchObject({ id: expect.any(Number), name: 'Chemistry', courseDetails: 'Atoms', tests: [] });
      const enrollment = await ctx.server.app.db.courseEnrollment.findUnique({
        where: { userId_courseId: { userId: creator.id, courseId: course.id } },
      });
      expect(enrollment?.role).toBe('TEACHER');
      // The next request's credentials know the creator teaches it.
      const put = await ctx.server.inject({
        method: 'PUT',
        url: `/courses/${course.id}`,
        headers: creator.headers,
        payload: { name: 'Chem' },
      });
      expect(put.statusCode).toBe(200);
      expect(json(put)).toMatchObject({ id: course.id, name: 'Chem', courseDetails: 'Atoms' });
    });

    test.each([
      [{ name: 'x' }, /courseDetails/],
      [{ courseDetails: 'x' }, /name/],
      [{ name: '', courseDetails: 'x' }, /name/],
      [{ name: 'x'.repeat(201), courseDetails: 'x' }, /name/],
      [{ name: 'x', courseDetails: 'x', isAdmin: true }, /isAdmin/],
    ])('400 for %j', async (payload, field) => {
      const res = await ctx.server.inject({ method: 'POST', url: '/courses', headers: ctx.w.student.headers, payload });
      expect(res.statusCode).toBe(400);
      expect(json(res).message).toMatch(field);
    });
  });

  describe('PUT /courses/{courseId}', () => {
    test('the teacher updates the course', async () => {
      const res = await ctx.server.inject({
        method: 'PUT',
        url: `/courses/${ctx.w.course}`,
        headers: ctx.w.teacher.headers,
        payload: { courseDetails: 'Groups and rings' },
      });
      expect(res.statusCode).toBe(200);
      expect(json(res)).toMatchObject({ id: ctx.w.course, name: 'Algebra', courseDetails: 'Groups and rings' });
    });

    test('a student of the course gets 403, an admin 200', async () => {
      const payload = { name: 'Algebra' };
      for (const caller of [ctx.w.student, ctx.w.otherTeacher]) {
        const res = await ctx.server.inject({ method: 'PUT', url: `/courses/${ctx.w.course}`, headers: caller.headers, payload });
        expect(res.statusCode).toBe(403);
        expect(json(res).message).toBe('Not allowed: teachers of the course only');
      }
      const admin = await ctx.server.inject({ method: 'PUT', url: `/courses/${ctx.w.course}`, headers: ctx.w.admin.headers, payload });
      expect(admin.statusCode).toBe(200);
      expect(json(admin)).toMatchObject({ id: ctx.w.course, name: 'Algebra', tests: [{ id: ctx.w.test }] });
    });

    test('an empty update is a 400, an unknown course a 404 (before 403)', async () => {
      const empty = await ctx.server.inject({
        method: 'PUT',
        url: `/courses/${ctx.w.course}`,
        headers: ctx.w.teacher.headers,
        payload: {},
      });
      expect(empty.statusCode).toBe(400);
      expect(json(empty).message).toMatch(/must have at least 1 key/);
      const missing = await ctx.server.inject({
        method: 'PUT',
        url: '/courses/2147483600',
        headers: ctx.w.student.headers,
        payload: { name: 'x' },
      });
      expect(missing.statusCode).toBe(404);
      expect(json(missing).message).toBe('Course not found');
    });
  });

  describe('DELETE /courses/{courseId}', () => {
    let teacher: TestUser;
    beforeEach(async () => {
      teacher = await createUser(ctx.server);
    });

    test('removes the course with its tests, results, enrollments and feedback', async () => {
      const { db } = ctx.server.app;
      const course = await makeCourse(ctx.server, teacher, 'Doomed');
      const student = await createUser(ctx.server);
      await db.courseEnrollment.create({ data: { userId: student.id, courseId: course, role: 'STUDENT' } });
      const test = await db.test.create({ data: { name: 'T', date: new Date(), courseId: course } });
      await db.testResult.create({ data: { testId: test.id, studentId: student.id, result: 500, graderId: teacher.id } });
      await db.courseFeedback.create({ data: { courseId: course, studentId: student.id, feedback: 'great' } });

      const res = await ctx.server.inject({ method: 'DELETE', url: `/courses/${course}`, headers: teacher.headers });
      expect(res.statusCode).toBe(204);
      expect(res.payload).toBe('');
      expect(await db.course.count({ where: { id: course } })).toBe(0);
      expect(await db.test.count({ where: { courseId: course } })).toBe(0);
      expect(await db.testResult.count({ where: { testId: test.id } })).toBe(0);
      expect(await db.courseEnrollment.count({ where: { courseId: course } })).toBe(0);
      expect(await db.courseFeedback.count({ where: { courseId: course } })).toBe(0);
      // The users themselves stay.
      expect(await db.user.count({ where: { id: { in: [teacher.id, student.id] } } })).toBe(2);

      const again = await ctx.server.inject({ method: 'DELETE', url: `/courses/${course}`, headers: teacher.headers });
      expect(again.statusCode).toBe(404);
      expect(json(again).message).toBe('Course not found');
    });

    test('others get 403 and the course stays', async () => {
      const course = await makeCourse(ctx.server, teacher, 'Kept');
      const res = await ctx.server.inject({ method: 'DELETE', url: `/courses/${course}`, headers: ctx.w.teacher.headers });
      expect(res.statusCode).toBe(403);
      expect(json(res).message).toBe('Not allowed: teachers of the course only');
      expect(await ctx.server.app.db.course.count({ where: { id: course } })).toBe(1);
    });
  });
});
