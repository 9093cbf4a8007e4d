// Enrollments: who may enroll whom, listing a user's courses, leaving a course.
import { enroll, json, makeCourse, useWorld } from './helpers/fixtures';
import { createUser } from './helpers/users';

describe('enrollment', () => {
  const ctx = useWorld();

  const post = (userId: number, headers: object | undefined, payload: object) =>
    ctx.server.inject({ method: 'POST', url: `/users/${userId}/courses`, headers: headers as Record<string, string>, payload });

  describe('GET /users/{userId}/courses', () => {
    test("lists the user's courses with the user's role", async () => {
      const res = await ctx.server.inject({ url: `/users/${ctx.w.student.id}/courses`, headers: ctx.w.student.headers });
      expect(res.statusCode).toBe(200);
      expect(json(res)).toEqual([
        {
          id: ctx.w.course,
          name: 'Algebra',
          courseDetails: 'Algebra details',
          role: 'STUDENT',
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
        },
      ]);
      const teacher = await ctx.server.inject({ url: `/users/${ctx.w.teacher.id}/courses`, headers: ctx.w.teacher.headers });
      expect(json(teacher)).toMatchObject([{ id: ctx.w.course, role: 'TEACHER' }]);
    });

    test('pages with take and skip, ordered by course id', async () => {
      const user = await createUser(ctx.server);
      const courses = [];
      for (let i = 0; i < 4; i++) {
        const course = await makeCourse(ctx.server, undefined, `P${i}`);
        await enroll(ctx.server, user.id, course);
        courses.push(course);
      }
      const page = await ctx.server.inject({ url: `/users/${user.id}/courses?take=2&skip=1`, headers: user.headers });
      expect(page.statusCode).toBe(200);
      expect(json(page).map((c: { id: number }) => c.id)).toEqual(courses.slice(1, 3));
      const rest = await ctx.server.inject({ url: `/users/${user.id}/courses?skip=3`, headers: user.headers });
      expect(json(rest).map((c: { id: number }) => c.id)).toEqual(courses.slice(3));
    });

    test('others get 403, admins 200, unknown user 404, bad id 400', async () => {
      const other = await ctx.server.inject({ url: `/users/${ctx.w.student.id}/courses`, headers: ctx.w.teacher.headers });
      expect(other.statusCode).toBe(403);
      expect(json(other).message).toBe('Not allowed: only for yourself');
      const admin = await ctx.server.inject({ url: `/users/${ctx.w.student.id}/courses`, headers: ctx.w.admin.headers });
      expect(admin.statusCode).toBe(200);
      expect(json(admin)).toMatchObject([{ id: ctx.w.course, role: 'STUDENT' }]);
      const unknown = await ctx.server.inject({ url: '/users/2147483647/courses', headers: ctx.w.admin.headers });
      expect(unknown.statusCode).toBe(404);
      expect(json(unknown).message).toBe('User not found');
      const badId = await ctx.server.inject({ url: '/users/2147483648/courses', headers: ctx.w.admin.headers });
      expect(badId.statusCode).toBe(400);
      expect(json(badId).message).toMatch(/"userId"/);
      expect((await ctx.server.inject({ url: `/users/${ctx.w.student.id}/courses` })).statusCode).toBe(401);
    });
  });

  describe('POST /users/{userId}/courses', () => {
    test('a user enrolls themselves as STUDENT', async () => {
      const user = await createUser(ctx.server);
      const res = await post(user.id, user.headers, { courseId: ctx.w.otherCourse, role: 'STUDENT' });
      expect(res.statusCode).toBe(201);
      expect(json(res)).toEqual({ userId: user.id, courseId: ctx.w.otherCourse, role: 'STUDENT', createdAt: expect.any(String) });
    });

    test('privilege escalation: a student cannot enroll themselves as TEACHER', async () => {
      const user = await createUser(ctx.server);
      const res = await post(user.id, user.headers, { courseId: ctx.w.course, role: 'TEACHER' });
      expect(res.statusCode).toBe(403);
      expect(json(res).message).toBe('Not allowed: enroll only yourself as STUDENT unless you teach the course');
      expect(await ctx.server.app.db.courseEnrollment.count({ where: { userId: user.id } })).toBe(0);
    });

    test('a non-teacher cannot enroll another user, in any role', async () => {
      const other = await createUser(ctx.server);
      const refused = [
        await post(other.id, ctx.w.student.headers, { courseId: ctx.w.course, role: 'STUDENT' }),
        await post(other.id, ctx.w.otherTeacher.headers, { courseId: ctx.w.course, role: 'STUDENT' }),
        // A teacher of another course cannot make themselves teacher here either.
        await post(ctx.w.otherTeacher.id, ctx.w.otherTeacher.headers, { courseId: ctx.w.course, role: 'TEACHER' }),
      ];
      for (const res of refused) {
        expect(res.statusCode).toBe(403);
        expect(json(res)).toMatchObject({
          error: 'Forbidden',
          message: 'Not allowed: enroll only yourself as STUDENT unless you teach the course',
        });
      }
      expect(
        await ctx.server.app.db.courseEnrollment.count({
          where: { userId: { in: [other.id, ctx.w.otherTeacher.id] }, courseId: ctx.w.course },
        }),
      ).toBe(0);
    });

    test('a teacher of the course enrolls anyone with any role', async () => {
      const [a, b] = await Promise.all([createUser(ctx.server), createUser(ctx.server)]);
      const student = await post(a.id, ctx.w.teacher.headers, { courseId: ctx.w.course, role: 'STUDENT' });
      expect(student.statusCode).toBe(201);
      expect(json(student)).toEqual({ userId: a.id, courseId: ctx.w.course, role: 'STUDENT', createdAt: expect.any(String) });
      const res = await post(b.id, ctx.w.teacher.headers, { courseId: ctx.w.course, role: 'TEACHER' });
      expect(res.statusCode).toBe(201);
      expect(json(res).role).toBe('TEACHER');
      // b now teaches the course: their next request may update it.
      const put = await ctx.server.inject({
        method: 'PUT',
        url: `/courses/${ctx.w.course}`,
        headers: b.headers,
        payload: { name: 'Algebra' },
      });
      expect(put.statusCode).toBe(200);
      expect(json(put)).toMatchObject({ id: ctx.w.course, name: 'Algebra' });
    });

    test('an admin enrolls anyone', async () => {
      const user = await createUser(ctx.server);
      const res = await post(user.id, ctx.w.admin.headers, { courseId: ctx.w.otherCourse, role: 'TEACHER' });
      expect(res.statusCode).toBe(201);
      expect(json(res)).toEqual({ userId: user.id, courseId: ctx.w.otherCourse, role: 'TEACHER', createdAt: expect.any(String) });
    });

    test('already enrolled → 409', async () => {
      const res = await post(ctx.w.student.id, ctx.w.student.headers, { courseId: ctx.w.course, role: 'STUDENT' });
      expect(res.statusCode).toBe(409);
      expect(json(res)).toMatchObject({ statusCode: 409, error: 'Conflict' });
      // The same through a teacher's right (the insert that re-checks it in the same statement).
      const again = await post(ctx.w.student.id, ctx.w.teacher.headers, { courseId: ctx.w.course, role: 'TEACHER' });
      expect(again.statusCode).toBe(409);
      expect(json(again)).toMatchObject({ statusCode: 409, error: 'Conflict' });
    });

    test('unknown course or user → 404; bad payload → 400', async () => {
      const unknownCourse = await post(ctx.w.outsider.id, ctx.w.outsider.headers, { courseId: 2147483647, role: 'STUDENT' });
      expect(unknownCourse.statusCode).toBe(404);
      expect(json(unknownCourse).message).toBe('Course not found');
      const unknownUser = await post(2147483647, ctx.w.admin.headers, { courseId: ctx.w.course, role: 'STUDENT' });
      expect(unknownUser.statusCode).toBe(404);
      expect(json(unknownUser).message).toBe('User not found');
      // 404 comes before 403: a non-admin asking about an unknown user.
      const unknownToOutsider = await post(2147483647, ctx.w.outsider.headers, { courseId: ctx.w.course, role: 'STUDENT' });
      expect(unknownToOutsider.statusCode).toBe(404);
      expect(json(unknownToOutsider).message).toBe('User not found');
      for (const [payload, problem] of [
        [{ courseId: ctx.w.course }, /"role" is required/],
        [{ courseId: ctx.w.course, role: 'OWNER' }, /"role" must be one of/],
        [{ courseId: 0, role: 'STUDENT' }, /"courseId" must be/],
        [{ courseId: ctx.w.course, role: 'STUDENT', extra: 1 }, /"extra" is not allowed/],
      ] as const) {
        const res = await post(ctx.w.outsider.id, ctx.w.outsider.headers, payload);
        expect(res.statusCode).toBe(400);
        expect(json(res).message).toMatch(problem);
      }
      expect((await post(ctx.w.outsider.id, undefined, { courseId: ctx.w.course, role: 'STUDENT' })).statusCode).toBe(401);
    });
  });

  describe('DELETE /users/{userId}/courses/{courseId}', () => {
    const del = (userId: number, courseId: number, headers?: object) =>
      ctx.server.inject({ method: 'DELETE', url: `/users/${userId}/courses/${courseId}`, headers: headers as Record<string, string> });

    test('a user leaves a course; then it is a 404', async () => {
      const user = await createUser(ctx.server);
      await enroll(ctx.server, user.id, ctx.w.course);
      const res = await del(user.id, ctx.w.course, user.headers);
      expect(res.statusCode).toBe(204);
      expect(await ctx.server.app.db.courseEnrollment.count({ where: { userId: user.id } })).toBe(0);
      const again = await del(user.id, ctx.w.course, user.headers);
      expect(again.statusCode).toBe(404);
      expect(json(again).message).toBe('Enrollment not found');
    });

    test('a teacher of the course removes a student; others get 403', async () => {
      const user = await createUser(ctx.server);
      await enroll(ctx.server, user.id, ctx.w.course);
      for (const other of [ctx.w.student, ctx.w.otherTeacher]) {
        const res = await del(user.id, ctx.w.course, other.headers);
        expect(res.statusCode).toBe(403);
        expect(json(res).message).toBe('Not allowed: yourself or teachers of the course only');
      }
      expect((await del(user.id, ctx.w.course, ctx.w.teacher.headers)).statusCode).toBe(204);
      expect(await ctx.server.app.db.courseEnrollment.count({ where: { userId: user.id } })).toBe(0);
    });

    test('an admin removes anyone; not enrolled → 404; bad ids → 400', async () => {
      const user = await createUser(ctx.server);
      await enroll(ctx.server, user.id, ctx.w.otherCourse);
      expect((await del(user.id, ctx.w.otherCourse, ctx.w.admin.headers)).statusCode).toBe(204);
      const notEnrolled = await del(ctx.w.outsider.id, ctx.w.course, ctx.w.admin.headers);
      expect(notEnrolled.statusCode).toBe(404);
      expect(json(notEnrolled).message).toBe('Enrollment not found');
      const badId = await ctx.server.inject({ method: 'DELETE', url: `/users/${user.id}/courses/abc`, headers: ctx.w.admin.headers });
      expect(badId.statusCode).toBe(400);
      expect(json(badId).message).toMatch(/"courseId" must be a number/);
      expect((await del(user.id, ctx.w.course)).statusCode).toBe(401);
    });
  });
});
