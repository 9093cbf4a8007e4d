// Enrollments: who may enroll whom, listing a user's courses, leaving a course.
import type { Server } from '@hapi/hapi';
import { enroll, json, makeCourse, makeWorld, type World } from './helpers/fixtures';
import { createTestServer } from './helpers/server';
import { createUser } from './helpers/users';

describe('enrollment', () => {
  let server: Server;
  let w: World;

  beforeAll(async () => {
    server = await createTestServer();
    w = await makeWorld(server);
  });

  afterAll(async () => {
    await server.stop();
  });

  const post = (userId: number, headers: object | undefined, payload: object) =>
    server.inject({ method: 'POST', url: `/users/${userId}/courses`, headers: headers as Record<string, string>, payload });

  describe('GET /users/{userId}/courses', () => {
    test("lists the user's courses with the user's role", async () => {
      const res = await server.inject({ url: `/users/${w.student.id}/courses`, headers: w.student.headers });
      expect(res.statusCode).toBe(200);
      expect(json(res)).toEqual([
        {
          id: w.course,
          name: 'Algebra',
          courseDetails: 'Algebra details',
          role: 'STUDENT',
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
        },
      ]);
      const teacher = await server.inject({ url: `/users/${w.teacher.id}/courses`, headers: w.teacher.headers });
      expect(json(teacher)).toMatchObject([{ id: w.course, role: 'TEACHER' }]);
    });

    test('pages with take and skip, ordered by course id', async () => {
      const user = await createUser(server);
      const courses = [];
      for (let i = 0; i < 4; i++) {
        const course = await makeCourse(server, undefined, `P${i}`);
        await enroll(server, user.id, course);
        courses.push(course);
      }
      const page = await server.inject({ url: `/users/${user.id}/courses?take=2&skip=1`, headers: user.headers });
      expect(page.statusCode).toBe(200);
      expect(json(page).map((c: { id: number }) => c.id)).toEqual(courses.slice(1, 3));
      const rest = await server.inject({ url: `/users/${user.id}/courses?skip=3`, headers: user.headers });
      expect(json(rest).map((c: { id: number }) => c.id)).toEqual(courses.slice(3));
    });

    test('others get 403, admins 200, unknown user 404, bad id 400', async () => {
      expect((await server.inject({ url: `/users/${w.student.id}/courses`, headers: w.teacher.headers })).statusCode).toBe(403);
      expect((await server.inject({ url: `/users/${w.student.id}/courses`, headers: w.admin.headers })).statusCode).toBe(200);
      expect((await server.inject({ url: '/users/2147483647/courses', headers: w.admin.headers })).statusCode).toBe(404);
      expect((await server.inject({ url: '/users/2147483648/courses', headers: w.admin.headers })).statusCode).toBe(400);
      expect((await server.inject({ url: `/users/${w.student.id}/courses` })).statusCode).toBe(401);
    });
  });

  describe('POST /users/{userId}/courses', () => {
    test('a user enrolls themselves as STUDENT', async () => {
      const user = await createUser(server);
      const res = await post(user.id, user.headers, { courseId: w.otherCourse, role: 'STUDENT' });
      expect(res.statusCode).toBe(201);
      expect(json(res)).toEqual({ userId: user.id, courseId: w.otherCourse, role: 'STUDENT', createdAt: expect.any(String) });
    });

    test('privilege escalation: a student cannot enroll themselves as TEACHER', async () => {
      const user = await createUser(server);
      const res = await post(user.id, user.headers, { courseId: w.course, role: 'TEACHER' });
      expect(res.statusCode).toBe(403);
      expect(await server.app.db.courseEnrollment.count({ where: { userId: user.id } })).toBe(0);
    });

    test('a non-teacher cannot enroll another user, in any role', async () => {
      const other = await createUser(server);
      expect((await post(other.id, w.student.headers, { courseId: w.course, role: 'STUDENT' })).statusCode).toBe(403);
      expect((await post(other.id, w.otherTeacher.headers, { courseId: w.course, role: 'STUDENT' })).statusCode).toBe(403);
      // A teacher of another course cannot make themselves teacher here either.
      expect((await post(w.otherTeacher.id, w.otherTeacher.headers, { courseId: w.course, role: 'TEACHER' })).statusCode).toBe(403);
      expect(await server.app.db.courseEnrollment.count({ where: { userId: { in: [other.id, w.otherTeacher.id] }, courseId: w.course } })).toBe(0);
    });

    test('a teacher of the course enrolls anyone with any role', async () => {
      const [a, b] = await Promise.all([createUser(server), createUser(server)]);
      expect((await post(a.id, w.teacher.headers, { courseId: w.course, role: 'STUDENT' })).statusCode).toBe(201);
      const res = await post(b.id, w.teacher.headers, { courseId: w.course, role: 'TEACHER' });
      expect(res.statusCode).toBe(201);
      expect(json(res).role).toBe('TEACHER');
      // b now teaches the course: their next request may update it.
      const put = await server.inject({ method: 'PUT', url: `/courses/${w.course}`, headers: b.headers, payload: { name: 'Algebra' } });
      expect(put.statusCode).toBe(200);
    });

    test('an admin enrolls anyone', async () => {
      const user = await createUser(server);
      expect((await post(user.id, w.admin.headers, { courseId: w.otherCourse, role: 'TEACHER' })).statusCode).toBe(201);
    });

    test('already enrolled → 409', async () => {
      const res = await post(w.student.id, w.student.headers, { courseId: w.course, role: 'STUDENT' });
      expect(res.statusCode).toBe(409);
      expect(json(res)).toMatchObject({ statusCode: 409, error: 'Conflict' });
    });

    test('unknown course or user → 404; bad payload → 400', async () => {
      expect((await post(w.outsider.id, w.outsider.headers, { courseId: 2147483647, role: 'STUDENT' })).statusCode).toBe(404);
      expect((await post(2147483647, w.admin.headers, { courseId: w.course, role: 'STUDENT' })).statusCode).toBe(404);
      // 404 comes before 403: a non-admin asking about an unknown user.
      expect((await post(2147483647, w.outsider.headers, { courseId: w.course, role: 'STUDENT' })).statusCode).toBe(404);
      for (const payload of [{ courseId: w.course }, { courseId: w.course, role: 'OWNER' }, { courseId: 0, role: 'STUDENT' }, { courseId: w.course, role: 'STUDENT', extra: 1 }]) {
        expect((await post(w.outsider.id, w.outsider.headers, payload)).statusCode).toBe(400);
      }
      expect((await post(w.outsider.id, undefined, { courseId: w.course, role: 'STUDENT' })).statusCode).toBe(401);
    });
  });

  describe('DELETE /users/{userId}/courses/{courseId}', () => {
    const del = (userId: number, courseId: number, headers?: object) =>
      server.inject({ method: 'DELETE', url: `/users/${userId}/courses/${courseId}`, headers: headers as Record<string, string> });

    test('a user leaves a course; then it is a 404', async () => {
      const user = await createUser(server);
      await enroll(server, user.id, w.course);
      const res = await del(user.id, w.course, user.headers);
      expect(res.statusCode).toBe(204);
      expect(await server.app.db.courseEnrollment.count({ where: { userId: user.id } })).toBe(0);
      expect((await del(user.id, w.course, user.headers)).statusCode).toBe(404);
    });

    test('a teacher of the course removes a student; others get 403', async () => {
      const user = await createUser(server);
      await enroll(server, user.id, w.course);
      expect((await del(user.id, w.course, w.student.headers)).statusCode).toBe(403);
      expect((await del(user.id, w.course, w.otherTeacher.headers)).statusCode).toBe(403);
      expect((await del(user.id, w.course, w.teacher.headers)).statusCode).toBe(204);
    });

    test('an admin removes anyone; not enrolled → 404; bad ids → 400', async () => {
      const user = await createUser(server);
      await enroll(server, user.id, w.otherCourse);
      expect((await del(user.id, w.otherCourse, w.admin.headers)).statusCode).toBe(204);
      expect((await del(w.outsider.id, w.course, w.admin.headers)).statusCode).toBe(404);
      expect((await server.inject({ method: 'DELETE', url: `/users/${user.id}/courses/abc`, headers: w.admin.headers })).statusCode).toBe(400);
      expect((await del(user.id, w.course)).statusCode).toBe(401);
    });
  });
});
