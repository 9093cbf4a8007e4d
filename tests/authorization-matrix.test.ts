// Who may call what: every route of the server (server.table()), for five kinds of caller.
// The test fails when the server has a route that has no row here (add the row with the route).
import { randomUUID } from 'node:crypto';
import type { Server } from '@hapi/hapi';
import { makeWorld, type World } from './helpers/fixtures';
import { createTestServer } from './helpers/server';
import type { TestUser } from './helpers/users';

type Caller = 'anonymous' | 'student' | 'otherTeacher' | 'teacher' | 'admin';
const callers: Caller[] = ['anonymous', 'student', 'otherTeacher', 'teacher', 'admin'];

interface Row {
  readonly method: string;
  /** The route's path as hapi lists it. */
  readonly path: string;
  /** Expected status for: anonymous, student of the course, teacher of another course, teacher of the course, admin. */
  readonly expect: readonly [number, number, number, number, number];
  readonly url: (w: World) => string;
  readonly payload?: (w: World) => object;
  /** Changes state: every caller gets a fresh world. */
  readonly mutates?: boolean;
}

const email = () => `matrix-${randomUUID().slice(0, 8)}@example.com`;

// prettier-ignore
const matrix: Row[] = [
  //                                                                       anon student other teacher admin
  { method: 'get', path: '/', url: () => '/', expect: [200, 200, 200, 200, 200] },
  { method: 'get', path: '/ready', url: () => '/ready', expect: [200, 200, 200, 200, 200] },
  { method: 'get', path: '/metrics', url: () => '/metrics', expect: [401, 403, 403, 403, 200] },

  // Auth and users.
  { method: 'post', path: '/login', url: () => '/login', payload: () => ({ email: email() }), expect: [200, 200, 200, 200, 200] },
  { method: 'post', path: '/authenticate', url: () => '/authenticate', payload: () => ({ email: email(), emailToken: '12345678' }), expect: [401, 401, 401, 401, 401] },
  { method: 'post', path: '/logout', mutates: true, url: () => '/logout', expect: [401, 204, 204, 204, 204] },
  { method: 'get', path: '/profile', url: () => '/profile', expect: [401, 200, 200, 200, 200] },
  { method: 'get', path: '/users', url: () => '/users', expect: [401, 403, 403, 403, 200] },
  { method: 'post', path: '/users', mutates: true, url: () => '/users', payload: () => ({ firstName: 'New', lastName: 'User', email: email() }), expect: [401, 403, 403, 403, 201] },
  { method: 'get', path: '/users/{userId}', url: (w) => `/users/${w.student.id}`, expect: [401, 200, 403, 403, 200] },
  { method: 'put', path: '/users/{userId}', mutates: true, url: (w) => `/users/${w.student.id}`, payload: () => ({ firstName: 'Renamed' }), expect: [401, 200, 403, 403, 200] },
  // Self only (admins pass every policy); 404 when no email change is pending (the student has none).
  { method: 'post', path: '/users/{userId}/email-confirmation', url: (w) => `/users/${w.student.id}/email-confirmation`, payload: () => ({ emailToken: '12345678' }), expect: [401, 404, 403, 403, 404] },
  { method: 'delete', path: '/users/{userId}', mutates: true, url: (w) => `/users/${w.student.id}`, expect: [401, 204, 403, 403, 204] },

  // Enrollment.
  { method: 'get', path: '/users/{userId}/courses', url: (w) => `/users/${w.student.id}/courses`, expect: [401, 200, 403, 403, 200] },
  { method: 'post', path: '/users/{userId}/courses', mutates: true, url: (w) => `/users/${w.outsider.id}/courses`, payload: (w) => ({ courseId: w.course, role: 'STUDENT' }), expect: [401, 403, 403, 201, 201] },
  { method: 'delete', path: '/users/{userId}/courses/{courseId}', mutates: true, url: (w) => `/users/${w.student.id}/courses/${w.course}`, expect: [401, 204, 403, 204, 204] },

  // Courses.
  { method: 'get', path: '/courses', url: () => '/courses?take=5', expect: [401, 200, 200, 200, 200] },
  { method: 'get', path: '/courses/{courseId}', url: (w) => `/courses/${w.course}`, expect: [401, 200, 200, 200, 200] },
  { method: 'post', path: '/courses', mutates: true, url: () => '/courses', payload: () => ({ name: 'New', courseDetails: 'New course' }), expect: [401, 201, 201, 201, 201] },
  { method: 'put', path: '/courses/{courseId}', mutates: true, url: (w) => `/courses/${w.course}`, payload: () => ({ name: 'Renamed' }), expect: [401, 403, 403, 200, 200] },
  { method: 'delete', path: '/courses/{courseId}', mutates: true, url: (w) => `/courses/${w.course}`, expect: [401, 403, 403, 204, 204] },

  // Tests.
  { method: 'post', path: '/courses/{courseId}/tests', mutates: true, url: (w) => `/courses/${w.course}/tests`, payload: () => ({ name: 'Quiz', date: '2026-03-01T10:00:00Z' }), expect: [401, 403, 403, 201, 201] },
  { method: 'get', path: '/courses/tests/{testId}', url: (w) => `/courses/tests/${w.test}`, expect: [401, 200, 200, 200, 200] },
  { method: 'put', path: '/courses/tests/{testId}', mutates: true, url: (w) => `/courses/tests/${w.test}`, payload: () => ({ name: 'Renamed' }), expect: [401, 403, 403, 200, 200] },
  { method: 'delete', path: '/courses/tests/{testId}', mutates: true, url: (w) => `/courses/tests/${w.test}`, expect: [401, 403, 403, 204, 204] },

  // Test results.
  { method: 'get', path: '/courses/tests/{testId}/test-results', url: (w) => `/courses/tests/${w.test}/test-results`, expect: [401, 403, 403, 200, 200] },
  { method: 'post', path: '/courses/tests/{testId}/test-results', mutates: true, url: (w) => `/courses/tests/${w.test}/test-results`, payload: (w) => ({ result: 500, studentId: w.student2.id }), expect: [401, 403, 403, 201, 201] },
  { method: 'put', path: '/courses/tests/test-results/{testResultId}', mutates: true, url: (w) => `/courses/tests/test-results/${w.result}`, payload: () => ({ result: 900 }), expect: [401, 403, 403, 200, 200] },
  { method: 'delete', path: '/courses/tests/test-results/{testResultId}', mutates: true, url: (w) => `/courses/tests/test-results/${w.result}`, expect: [401, 403, 403, 204, 204] },
  { method: 'put', path: '/courses/tests/{testId}/test-results', mutates: true, url: (w) => `/courses/tests/${w.test}/test-results`, payload: (w) => [{ studentId: w.student2.id, result: 500 }], expect: [401, 403, 403, 200, 200] },
  { method: 'get', path: '/courses/tests/{testId}/test-results/history', url: (w) => `/courses/tests/${w.test}/test-results/history`, expect: [401, 403, 403, 200, 200] },
  { method: 'get', path: '/users/{userId}/test-results', url: (w) => `/users/${w.student.id}/test-results`, expect: [401, 200, 403, 403, 200] },

  // Reports.
  { method: 'get', path: '/courses/tests/{testId}/stats', url: (w) => `/courses/tests/${w.test}/stats`, expect: [401, 403, 403, 200, 200] },
  { method: 'get', path: '/courses/{courseId}/gradebook', url: (w) => `/courses/${w.course}/gradebook`, expect: [401, 403, 403, 200, 200] },
  { method: 'get', path: '/courses/{courseId}/grades', url: (w) => `/courses/${w.course}/grades`, expect: [401, 403, 403, 200, 200] },
  { method: 'get', path: '/users/{userId}/grades', url: (w) => `/users/${w.student.id}/grades`, expect: [401, 200, 403, 403, 200] },

  // Feedback.
  { method: 'post', path: '/courses/{courseId}/feedback', mutates: true, url: (w) => `/courses/${w.course}/feedback`, payload: () => ({ feedback: 'Nice' }), expect: [401, 201, 403, 403, 201] },
  { method: 'get', path: '/courses/{courseId}/feedback', url: (w) => `/courses/${w.course}/feedback`, expect: [401, 403, 403, 200, 200] },
];

/** Routes of the documentation (hapi-swagger and its UI assets): public, not part of the matrix. */
const isDocsRoute = (path: string) =>
  path === '/documentation' || path === '/swagger.json' || path === '/openapi.json' || path.startsWith('/swaggerui');

describe('authorization matrix', () => {
  let server: Server;
  let shared: World;
  let routes: Set<string>;

  beforeAll(async () => {
    server = await createTestServer();
    shared = await makeWorld(server);
    routes = new Set(server.table().map((route) => `${route.method} ${route.path}`));
  });

  afterAll(async () => {
    await server.stop();
  });

  test('every route on the server has a row, and every row a route', () => {
    const rows = new Set(matrix.map((row) => `${row.method} ${row.path}`));
    const missingRows = [...routes].filter((key) => !rows.has(key) && !isDocsRoute(key.split(' ')[1]));
    expect(missingRows).toEqual([]);
    const missingRoutes = matrix.filter((row) => !routes.has(`${row.method} ${row.path}`));
    expect(missingRoutes.map((row) => `${row.method} ${row.path}`)).toEqual([]);
    expect(rows.size).toBe(matrix.length);
  });

  const callerOf = (w: World, caller: Caller): TestUser | undefined => (caller === 'anonymous' ? undefined : w[caller]);

  test.each(matrix.map((row) => [`${row.method.toUpperCase()} ${row.path}`, row] as const))('%s', async (_name, row) => {
    const actual: number[] = [];
    for (const caller of callers) {
      const w = row.mutates ? await makeWorld(server) : shared;
      const user = callerOf(w, caller);
      const res = await server.inject({
        method: row.method.toUpperCase(),
        url: row.url(w),
        headers: user ? user.headers : {},
        ...(row.payload ? { payload: row.payload(w) } : {}),
      });
      actual.push(res.statusCode);
    }
    expect(Object.fromEntries(callers.map((c, i) => [c, actual[i]]))).toEqual(
      Object.fromEntries(callers.map((c, i) => [c, row.expect[i]])),
    );
  });
});
