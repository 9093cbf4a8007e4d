// Grading fixtures written straight to the database (fast set-up); tests assert through HTTP.
import type { Server } from '@hapi/hapi';
import { useTestServer } from './server';
import { createUser, createUsers, type TestUser } from './users';

export async function makeCourse(server: Server, teacher?: { id: number }, name = 'Course'): Promise<number> {
  const course = await server.app.db.course.create({
    data: {
      name,
      courseDetails: `${name} details`,
      ...(teacher ? { members: { create: { userId: teacher.id, role: 'TEACHER' } } } : {}),
    },
    select: { id: true },
  });
  return course.id;
}

export async function enroll(server: Server, userId: number, courseId: number, role: 'STUDENT' | 'TEACHER' = 'STUDENT'): Promise<void> {
  await server.app.db.courseEnrollment.create({ data: { userId, courseId, role } });
}

export async function makeTest(server: Server, courseId: number, name = 'Test'): Promise<number> {
  const test = await server.app.db.test.create({
    data: { name, date: new Date('2026-01-15T09:00:00.000Z'), courseId },
    select: { id: true },
  });
  return test.id;
}

export async function makeResult(
  server: Server,
  testId: number,
  studentId: number,
  result: number,
  graderId: number | null = null,
): Promise<number> {
  const row = await server.app.db.testResult.create({ data: { testId, studentId, result, graderId }, select: { id: true } });
  return row.id;
}

/**
 * A small school: `course` taught by `teacher` with `student` (who has `result` on `test`, graded by
 * the teacher) and `student2` (no result yet); `otherCourse` taught by `otherTeacher`; an `outsider`
 * enrolled nowhere; an `admin`.
 */
export interface World {
  readonly admin: TestUser;
  readonly teacher: TestUser;
  readonly otherTeacher: TestUser;
  readonly student: TestUser;
  readonly student2: TestUser;
  readonly outsider: TestUser;
  readonly course: number;
  readonly otherCourse: number;
  readonly test: number;
  readonly result: number;
}

export async function makeWorld(server: Server): Promise<World> {
  const [admin, [teacher, otherTeacher, student, student2, outsider]] = await Promise.all([
    createUser(server, { isAdmin: true }),
    createUsers(server, 5),
  ]);
  const [course, otherCourse] = await Promise.all([makeCourse(server, teacher, 'Algebra'), makeCourse(server, otherTeacher, 'History')]);
  await Promise.all([enroll(server, student.id, course), enroll(server, student2.id, course)]);
  const test = await makeTest(server, course, 'Midterm');
  const result = await makeResult(server, test, student.id, 800, teacher.id);
  return { admin, teacher, otherTeacher, student, student2, outsider, course, otherCourse, test, result };
}

/**
 * A real server with a fresh World for the enclosing describe block: built before its tests,
 * stopped after them. Read `ctx.server` and `ctx.w` inside hooks and tests.
 */
export function useWorld(): { readonly server: Server; readonly w: World } {
  const ctx = useTestServer() as { readonly server: Server; w: World };
  beforeAll(async () => {
    ctx.w = await makeWorld(ctx.server);
  });
  return ctx;
}

/** The parsed JSON body of an inject response. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function json(res: { payload: string }): any {
  return JSON.parse(res.payload);
}
