// Dredd hooks for npm run test:contract (tests/contract/run.ts): they log in (the fixtures' JWTs in
// Authorization) and point each request at the fixtures (path ids, request bodies). They never
// touch a response: Dredd checks each answer against the document as the server sent it.
const fs = require('node:fs');
const hooks = require('hooks');

const fixtures = JSON.parse(fs.readFileSync(process.env.CONTRACT_FIXTURES, 'utf8'));
const { ids, jwt } = fixtures;

/** Per operation: who calls it, the ids in its path, its body. Unlisted operations: the admin, no ids. */
const requests = {
  'GET /profile': { as: 'student' },
  'GET /users/{userId}': { params: { userId: ids.student }, as: 'student' },
  'PUT /users/{userId}': { params: { userId: ids.student2 }, body: { firstName: 'Ada', lastName: 'Lovelace' } },
  'DELETE /users/{userId}': { params: { userId: ids.userToDelete } },
  'POST /users': { body: { email: fixtures.newUserEmail, firstName: 'New', lastName: 'User' } },
  'POST /users/{userId}/email-confirmation': {
    params: { userId: ids.emailChanger },
    as: 'emailChanger',
    body: { emailToken: fixtures.emailChangeToken },
  },
  'GET /users/{userId}/courses': { params: { userId: ids.student } },
  'POST /users/{userId}/courses': { params: { userId: ids.outsider }, body: { courseId: ids.course, role: 'STUDENT' } },
  'DELETE /users/{userId}/courses/{courseId}': { params: { userId: ids.leaver, courseId: ids.course } },
  'GET /users/{userId}/test-results': { params: { userId: ids.student } },
  'GET /users/{userId}/grades': { params: { userId: ids.student } },
  'POST /courses': { body: { name: 'Contract course 2', courseDetails: 'Created by the contract run' } },
  'GET /courses/{courseId}': { params: { courseId: ids.course } },
  'PUT /courses/{courseId}': { params: { courseId: ids.course }, as: 'teacher', body: { courseDetails: 'Updated by the contract run' } },
  'DELETE /courses/{courseId}': { params: { courseId: ids.courseToDelete } },
  'POST /courses/{courseId}/tests': {
    params: { courseId: ids.course },
    as: 'teacher',
    body: { name: 'Quiz', date: '2026-03-01T09:00:00.000Z' },
  },
  'GET /courses/{courseId}/feedback': { params: { courseId: ids.course }, as: 'teacher' },
  'POST /courses/{courseId}/feedback': { params: { courseId: ids.course }, as: 'student', body: { feedback: 'Clear and well paced' } },
  'GET /courses/{courseId}/gradebook': { params: { courseId: ids.course }, as: 'teacher' },
  'GET /courses/{courseId}/grades': { params: { courseId: ids.course }, as: 'teacher' },
  'GET /courses/tests/{testId}': { params: { testId: ids.test } },
  'PUT /courses/tests/{testId}': { params: { testId: ids.test }, as: 'teacher', body: { name: 'Midterm (room 2)' } },
  'DELETE /courses/tests/{testId}': { params: { testId: ids.testToDelete } },
  'GET /courses/tests/{testId}/stats': { params: { testId: ids.test }, as: 'teacher' },
  'GET /courses/tests/{testId}/test-results': { params: { testId: ids.test }, as: 'teacher' },
  'POST /courses/tests/{testId}/test-results': {
    params: { testId: ids.test },
    as: 'teacher',
    body: { result: 650, studentId: ids.student2 },
  },
  'PUT /courses/tests/{testId}/test-results': {
    params: { testId: ids.test },
    as: 'teacher',
    body: [{ studentId: ids.student, result: 905 }],
  },
  'GET /courses/tests/{testId}/test-results/history': { params: { testId: ids.test }, as: 'teacher' },
  'PUT /courses/tests/test-results/{testResultId}': { params: { testResultId: ids.result }, as: 'teacher', body: { result: 820 } },
  'DELETE /courses/tests/test-results/{testResultId}': { params: { testResultId: ids.resultToDelete }, as: 'teacher' },
  'POST /login': { as: null, body: { email: fixtures.login.email } },
  'POST /authenticate': { as: null, body: fixtures.login },
  'POST /logout': { as: 'loggingOut' },
};

hooks.beforeEach((transaction) => {
  // Dredd replays every documented response; the error ones (4xx/5xx) need a broken request or a
  // broken database, which the Jest suite provokes and checks against the same document.
  if (!/^2\d\d$/.test(String(transaction.expected.statusCode))) {
    transaction.skip = true;
    return;
  }
  if (process.env.CONTRACT_DEBUG) {
    hooks.log(
      JSON.stringify({
        name: transaction.name,
        origin: transaction.origin,
        fullPath: transaction.fullPath,
        expected: transaction.expected,
      }),
    );
  }
  const key = `${transaction.request.method} ${transaction.origin.resourceName}`;
  const request = requests[key] ?? {};
  let fullPath = transaction.origin.resourceName;
  for (const [name, value] of Object.entries(request.params ?? {})) {
    fullPath = fullPath.replace(`{${name}}`, String(value));
  }
  // Keep the query string Dredd built from the documented examples, if any.
  const query = transaction.fullPath.includes('?') ? transaction.fullPath.slice(transaction.fullPath.indexOf('?')) : '';
  transaction.fullPath = fullPath + query;
  transaction.request.uri = transaction.fullPath;

  const as = request.as === undefined ? 'admin' : request.as;
  if (as) {
    transaction.request.headers.Authorization = `Bearer ${jwt[as]}`;
  }
  if (request.body) {
    transaction.request.body = JSON.stringify(request.body);
    transaction.request.headers['Content-Type'] = 'application/json';
  }
});
