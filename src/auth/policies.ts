// Authorization as small named `pre` steps, declared on routes. They run after authentication (401)
// and validation (400), so params and payloads are already converted (ids are numbers). Two kinds:
// - loaders fetch the resource a path or payload names onto request.pre (404 when it is missing,
//   for admins too: 404 comes before 403);
// - policies decide (403). A policy reads the caller's credentials, the validated input, or what a
//   loader before it put on request.pre: its type says which, and a route that lacks it does not compile.
// Admins pass every policy. Course roles come from the loader's query of THIS request (the caller's
// current enrollment), never from cached credentials: a teacher removed a moment ago on another
// instance is refused at once, at no extra statement.
import Boom from '@hapi/boom';
import type { ReqRef, Request } from '@hapi/hapi';
import { findCourseRef, type CourseRef } from '../services/courses';
import { findEnrollmentRef, type EnrollmentRef } from '../services/enrollment';
import { notFound, type Resource } from '../services/errors';
import { findTestResultRef, type TestResultRef } from '../services/test-results';
import { findTestRef, type TestRef } from '../services/tests';
import { findUser, type UserView } from '../services/users';
import { LIMITS } from './rate-limit';
import type { IdParams } from '../schemas/common';

/** What each loader puts on request.pre, by its name there. */
export interface Loaded {
  readonly course: CourseRef;
  readonly user: UserView;
  readonly enrollment: EnrollmentRef;
  readonly test: TestRef;
  readonly testResult: TestResultRef;
}

/** A route's `Pres`: what its loaders put on request.pre, e.g. `Pres<'course'>`. */
export type Pres<Name extends keyof Loaded> = Pick<Loaded, Name>;

/** The validated inputs a step reads; a route may use the step when its own inputs include them. */
interface Needs {
  readonly Params?: object;
  readonly Payload?: object;
  readonly Pres?: object;
}

type Need<N extends Needs, Key extends keyof Needs> = Key extends keyof N ? N[Key] : unknown;

/** The request as a step sees it: the caller's credentials, the server, and the inputs it needs. */
type StepRequest<N extends Needs> = Pick<Request, 'auth' | 'server'> & {
  readonly params: Need<N, 'Params'>;
  readonly payload: Need<N, 'Payload'>;
  readonly pre: Need<N, 'Pres'>;
};

/**
 * A route `pre` step. Its method takes the route's typed request AND the inputs the step needs, so
 * a route whose params, payload or pres lack them does not compile.
 */
export interface Step<N extends Needs, Assign extends string = never> {
  readonly method: <Refs extends ReqRef>(request: Request<Refs> & StepRequest<N>) => Promise<unknown>;
  readonly assign?: Assign;
}

/** Builds a named policy: `check` returns true to allow. */
function policy<N extends Needs = object>(name: string, check: (request: StepRequest<N>) => boolean): Step<N> {
  const method = async <Refs extends ReqRef>(request: Request<Refs> & StepRequest<N>) => {
    if (!request.auth.credentials.isAdmin && !check(request)) {
      throw Boom.forbidden(`Not allowed: ${name}`);
    }
    return true;
  };
  Object.defineProperty(method, 'name', { value: name });
  return { method };
}

/** Builds a loader: `load` returns the resource or null (→ 404 "<Resource> not found"). */
function loader<Name extends keyof Loaded, N extends Needs>(
  assign: Name,
  resource: Resource,
  load: (request: StepRequest<N>) => Promise<Loaded[Name] | null>,
): Step<N, Name> {
  const method = async <Refs extends ReqRef>(request: Request<Refs> & StepRequest<N>) => {
    const found = await load(request);
    if (!found) {
      throw notFound(resource);
    }
    return found;
  };
  Object.defineProperty(method, 'name', { value: `load ${assign}` });
  return { method, assign };
}

type WithParams<Name extends string> = { Params: IdParams<Name> };

// --- Loaders -----------------------------------------------------------------------------------

/** request.pre.course: the `{courseId}` of the path, with the caller's role in it. */
export const courseFromPath = loader('course', 'Course', (request: StepRequest<WithParams<'courseId'>>) =>
  findCourseRef(request.server.app.db, request.params.courseId, request.auth.credentials.userId),
);

/** request.pre.course: the `courseId` of the payload. */
export const courseFromPayload = loader('course', 'Course', (request: StepRequest<{ Payload: { courseId: number } }>) =>
  findCourseRef(request.server.app.db, request.payload.courseId, request.auth.credentials.userId),
);

/** request.pre.user: the `{userId}` of the path. */
export const userFromPath = loader('user', 'User', (request: StepRequest<WithParams<'userId'>>) =>
  findUser(request.server.app.db, request.params.userId),
);

/** request.pre.enrollment: the enrollment of `{userId}` in `{courseId}`, with the caller's role in that course. */
export const enrollmentFromPath = loader('enrollment', 'Enrollment', (request: StepRequest<WithParams<'userId' | 'courseId'>>) =>
  findEnrollmentRef(request.server.app.db, request.params.userId, request.params.courseId, request.auth.credentials.userId),
);

/** request.pre.test: `{testId}` with its courseId and the caller's role there. */
export const testFromPath = loader('test', 'Test', (request: StepRequest<WithParams<'testId'>>) =>
  findTestRef(request.server.app.db, request.params.testId, request.auth.credentials.userId),
);

/** request.pre.testResult: `{testResultId}` with its grader, its test's courseId and the caller's role there. */
export const testResultFromPath = loader('testResult', 'Test result', (request: StepRequest<WithParams<'testResultId'>>) =>
  findTestResultRef(request.server.app.db, request.params.testResultId, request.auth.credentials.userId),
);

// --- Policies ----------------------------------------------------------------------------------

/** The caller's role in the course, as the loader's query of this request read it. */
const teaches = (loaded: { readonly callerRole: CourseRef['callerRole'] }) => loaded.callerRole === 'TEACHER';

export const isAdmin = policy('admin only', () => false);

/** The authenticated user is the `{userId}` of the path. */
export const isSelf = policy(
  'only for yourself',
  (request: StepRequest<WithParams<'userId'>>) => request.auth.credentials.userId === request.params.userId,
);

/** The caller teaches request.pre.course (after courseFromPath). */
export const teachesCourse = policy('teachers of the course only', (request: StepRequest<{ Pres: Pres<'course'> }>) =>
  teaches(request.pre.course),
);

/** The caller teaches the course of request.pre.test (after testFromPath). */
export const teachesTestCourse = policy('teachers of the course only', (request: StepRequest<{ Pres: Pres<'test'> }>) =>
  teaches(request.pre.test),
);

/**
 * The caller teaches the course of request.pre.testResult (after testResultFromPath). Having graded
 * it gives no right of its own: a teacher removed from the course loses the results they graded.
 */
export const teachesResultCourse = policy(
  'teachers of the course only',
  ({ pre: { testResult } }: StepRequest<{ Pres: Pres<'testResult'> }>) => teaches(testResult),
);

/** POST /courses when COURSE_CREATORS=admins: only admins create courses (everyone may by default). */
export const mayCreateCourses = policy(
  'only admins create courses here (COURSE_CREATORS=admins)',
  (request) => request.server.app.config.courseCreators === 'everyone',
);

/**
 * A per-user budget for writes that create things for or about other users: creating a course or a
 * test, enrolling someone else, bulk grading. LIMITS.writesForOthersPerUser (300 per 15 minutes), then
 * 429 with Retry-After; shared through Redis when REDIS_URL is set. A write on your own `{userId}`
 * (enrolling yourself) does not count, and admins are not limited. Declare it FIRST in a route's `pre`,
 * so attempts that end in 404 or 403 count too: those answers also tell which ids exist.
 */
export const limitWritesForOthers: Step<object> = {
  method: async <Refs extends ReqRef>(request: Request<Refs> & StepRequest<object>) => {
    const { userId, isAdmin } = request.auth.credentials;
    const target = (request.params as { userId?: unknown } | undefined)?.userId;
    if (!isAdmin && target !== userId) {
      await request.server.app.rateLimits.consume([LIMITS.writesForOthersPerUser, String(userId)]);
    }
    return true;
  },
};
Object.defineProperty(limitWritesForOthers.method, 'name', { value: 'limitWritesForOthers' });

/**
 * POST /users/{userId}/courses (after courseFromPayload): a non-admin enrolls only themselves and only
 * as STUDENT, unless they teach the course (then anyone, any role); the handler passes that teacher to
 * enroll(), which checks the right again inside the write. Nobody becomes a teacher of a course they don't teach.
 */
export const mayEnroll = policy(
  'enroll only yourself as STUDENT unless you teach the course',
  (request: StepRequest<{ Params: IdParams<'userId'>; Payload: { courseId: number; role: string }; Pres: Pres<'course'> }>) =>
    teaches(request.pre.course) || (request.auth.credentials.userId === request.params.userId && request.payload.role === 'STUDENT'),
);

/** DELETE /users/{userId}/courses/{courseId} (after enrollmentFromPath): the user themselves or a teacher of the course. */
export const selfOrTeachesCourse = policy(
  'yourself or teachers of the course only',
  (request: StepRequest<WithParams<'userId'> & { Pres: Pres<'enrollment'> }>) =>
    request.auth.credentials.userId === request.params.userId || teaches(request.pre.enrollment),
);

/** The caller is enrolled as STUDENT in request.pre.course (after courseFromPath). */
export const studentOfCourse = policy(
  'students of the course only',
  (request: StepRequest<{ Pres: Pres<'course'> }>) => request.pre.course.callerRole === 'STUDENT',
);
