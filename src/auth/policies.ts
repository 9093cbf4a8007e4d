// Authorization as small named policies, declared on routes as `pre` steps. They run after
// authentication (401) and validation (400); each loads what it needs (404) before deciding (403).
// Admins pass every policy. Path ids are numbers here: Joi validation converted them.
import Boom from '@hapi/boom';
import type { Request, RouteOptionsPreObject } from '@hapi/hapi';
import { findCourseRef, type CourseRef } from '../services/courses';
import { findEnrollment, findUserRef } from '../services/enrollment';
import { findTestResultRef, type TestResultRef } from '../services/test-results';
import { findTestRef, type TestRef } from '../services/tests';

export type Policy = RouteOptionsPreObject;

/** Builds a named policy: `check` returns true to allow; it may throw Boom.notFound first. */
export function policy(name: string, check: (request: Request) => boolean | Promise<boolean>): Policy {
  const method = async (request: Request) => {
    if (request.auth.credentials.isAdmin) {
      return true;
    }
    if (!(await check(request))) {
      throw Boom.forbidden(`Not allowed: ${name}`);
    }
    return true;
  };
  Object.defineProperty(method, 'name', { value: name });
  return { method, assign: `policy:${name}` };
}

export const isAdmin = policy('admin only', () => false);

/** The authenticated user is the `{userId}` of the path. */
export const isSelf = policy('only for yourself', (request) => request.auth.credentials.userId === (request.params.userId as unknown as number));

/** The authenticated user teaches the `{courseId}` of the path. */
export const teachesCourse = policy('teachers of the course only', (request) =>
  request.auth.credentials.teacherOf.includes(request.params.courseId as unknown as number),
);

// ---------------------------------------------------------------------------------------------
// Resource loaders and the policies of courses, enrollments, tests, results and feedback.
// A loader is a `pre` that loads what a policy needs in one query, puts it on request.pre[assign]
// and answers 404 when it does not exist; admins get the 404 too (404 comes before 403).
// ---------------------------------------------------------------------------------------------

/** Builds a loader: `load` returns the resource or null (→ 404 `${what} not found`). */
export function loader<T>(assign: string, what: string, load: (request: Request) => Promise<T | null>): Policy {
  const method = async (request: Request) => {
    const found = await load(request);
    if (!found) {
      throw Boom.notFound(`${what} not found`);
    }
    return found;
  };
  Object.defineProperty(method, 'name', { value: `load ${assign}` });
  return { method, assign };
}

const num = (value: unknown): number => value as number;

/** request.pre.course: the `{courseId}` of the path, with the caller's role in it. */
export const courseFromPath = loader('course', 'Course', (request) =>
  findCourseRef(request.server.app.db, num(request.params.courseId), request.auth.credentials.userId),
);

/** request.pre.course: the `courseId` of the payload. */
export const courseFromPayload = loader('course', 'Course', (request) =>
  findCourseRef(request.server.app.db, num((request.payload as { courseId: number }).courseId), request.auth.credentials.userId),
);

/** request.pre.user: the `{userId}` of the path. */
export const userFromPath = loader('user', 'User', (request) => findUserRef(request.server.app.db, num(request.params.userId)));

/** request.pre.enrollment: the enrollment of `{userId}` in `{courseId}`. */
export const enrollmentFromPath = loader('enrollment', 'Enrollment', (request) =>
  findEnrollment(request.server.app.db, num(request.params.userId), num(request.params.courseId)),
);

/** request.pre.test: `{testId}` with its courseId. */
export const testFromPath = loader('test', 'Test', (request) => findTestRef(request.server.app.db, num(request.params.testId)));

/** request.pre.testResult: `{testResultId}` with its grader and its test's courseId. */
export const testResultFromPath = loader('testResult', 'Test result', (request) =>
  findTestResultRef(request.server.app.db, num(request.params.testResultId)),
);

const teaches = (request: Request, courseId: number) => request.auth.credentials.teacherOf.includes(courseId);

/** The caller teaches the course of request.pre.test (after testFromPath). */
export const teachesTestCourse = policy('teachers of the course only', (request) => teaches(request, (request.pre.test as TestRef).courseId));

/** The caller graded request.pre.testResult, or teaches its course (after testResultFromPath). */
export const gradesOrTeachesResult = policy('the grader or teachers of the course only', (request) => {
  const result = request.pre.testResult as TestResultRef;
  return result.graderId === request.auth.credentials.userId || teaches(request, result.courseId);
});

/**
 * POST /users/{userId}/courses: a non-admin enrolls only themselves and only as STUDENT, unless they
 * already teach the course (then anyone, any role). Nobody becomes a teacher of a course they don't teach.
 */
export const mayEnroll = policy('enroll only yourself as STUDENT unless you teach the course', (request) => {
  const { courseId, role } = request.payload as { courseId: number; role: string };
  if (teaches(request, courseId)) {
    return true;
  }
  return request.auth.credentials.userId === num(request.params.userId) && role === 'STUDENT';
});

/** DELETE /users/{userId}/courses/{courseId}: the user themselves or a teacher of the course. */
export const selfOrTeachesCourse = policy('yourself or teachers of the course only', (request) =>
  request.auth.credentials.userId === num(request.params.userId) || teaches(request, num(request.params.courseId)),
);

/** The caller is enrolled as STUDENT in request.pre.course (after courseFromPath). */
export const studentOfCourse = policy('students of the course only', (request) => (request.pre.course as CourseRef).callerRole === 'STUDENT');
