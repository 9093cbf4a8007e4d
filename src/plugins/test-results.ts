// Test results: GET|POST|PUT (bulk) /courses/tests/{testId}/test-results, GET
// /courses/tests/{testId}/test-results/history, PUT|DELETE /courses/tests/test-results/{testResultId},
// GET /users/{userId}/test-results.
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import {
  limitWritesForOthers,
  teachesResultCourse,
  isSelf,
  teachesTestCourse,
  testFromPath,
  testResultFromPath,
  userFromPath,
} from '../auth/policies';
import { bulkGradesPayload } from '../schemas/bulk-grades';
import { id, idParams, listKeys, listQuery } from '../schemas/common';
import { bulkCountsSchema, historySchema, testResultSchema } from '../schemas/resources';
import { applyBulkGrades } from '../services/bulk-grading';
import * as results from '../services/test-results';
import type { ListQuery } from '../services/types';
import { BODY_ERRORS, documented, route } from './route';

const result = Joi.number().integer().min(0).max(1000).meta({ format: 'int32' }).description('Per mille: 875 = 87.5 %');

const internals = {
  list: Joi.array().items(testResultSchema).max(100).label('TestResults'),
  createPayload: Joi.object<results.TestResultInput, true>({ result: result.required(), studentId: id.required() }).label(
    'TestResultCreate',
  ),
  updatePayload: Joi.object<{ result: number }, true>({ result: result.required() }).label('TestResultUpdate'),
  historyQuery: Joi.object<ListQuery & { studentId?: number }, true>({
    ...listKeys,
    studentId: id.description("Only this student's changes"),
  }),
  // 1000 CSV rows of a 254-character email are ~260 KB; JSON rows by id ~40 KB.
  bulkPayload: { allow: ['application/json', 'text/csv'], maxBytes: 512 * 1024 },
};

const listTestResults = route({
  method: 'GET',
  path: '/courses/tests/{testId}/test-results',
  options: {
    description: 'The results of a test (teachers of its course, admins)',
    ...documented('test-results', { 200: { description: 'Results by id', schema: internals.list } }, [400, 403, 404]),
    validate: { params: idParams('testId'), query: listQuery },
    pre: [testFromPath, teachesTestCourse],
  },
  handler: (request) => results.listTestResults(request.server.app.db, request.params.testId, request.query),
});

const createTestResult = route({
  method: 'POST',
  path: '/courses/tests/{testId}/test-results',
  options: {
    description:
      "Record a student's result; the caller is the grader. The student must be enrolled as STUDENT in the test's course (else 400); one result per student and test (else 409)",
    ...documented('test-results', { 201: { description: 'Recorded', schema: testResultSchema } }, [...BODY_ERRORS, 403, 404, 409]),
    validate: { params: idParams('testId'), payload: internals.createPayload },
    pre: [testFromPath, teachesTestCourse],
  },
  handler: async (request, h) => {
    const { db } = request.server.app;
    const created = await results.createTestResult(db, request.pre.test, request.payload, request.auth.credentials.userId);
    return h.response(created).code(201);
  },
});

const bulkGrade = route({
  method: 'PUT',
  path: '/courses/tests/{testId}/test-results',
  options: {
    description:
      "Bulk grading: create, update or keep many students' results of a test at once, all or nothing (teachers of its course, admins)",
    notes: [
      'The body is a JSON array of `{studentId, result}`, or `Content-Type: text/csv` with a header row naming `result` and exactly one of `studentId` or `email` (case-insensitive; a UTF-8 BOM is allowed, blank lines are ignored). 1–1000 rows, at most 512 KiB.',
      'A row creates the result, updates it (the caller becomes the grader) or leaves it unchanged when the value is the same; the answer counts each kind. Each created or updated row appends a history row.',
      'Any bad row (not an enrolled STUDENT, a result that is not an integer 0–1000, the same student again) → 400 with `rows: [{row, message}]` listing every bad row once (rows count from 1 after the CSV header), and nothing is written.',
      'Concurrent bulk requests on one test are applied one after the other.',
    ],
    ...documented(
      'test-results',
      { 200: { description: 'How many results were created, updated and left unchanged', schema: bulkCountsSchema } },
      [...BODY_ERRORS, 403, 404, 429],
    ),
    payload: internals.bulkPayload,
    validate: { params: idParams('testId'), payload: bulkGradesPayload },
    // The per-user budget of writes about other users first: 404s and 403s count too.
    pre: [limitWritesForOthers, testFromPath, teachesTestCourse],
  },
  handler: (request) => applyBulkGrades(request.server.app.db, request.params.testId, request.payload, request.auth.credentials.userId),
});

const listHistory = route({
  method: 'GET',
  path: '/courses/tests/{testId}/test-results/history',
  options: {
    description:
      "Every change of the test's results (create, update, delete), by id; `?studentId=` for one student (teachers of its course, admins). changedBy is null once that user is deleted",
    ...documented('test-results', { 200: { description: 'Changes by id', schema: historySchema } }, [400, 403, 404]),
    validate: { params: idParams('testId'), query: internals.historyQuery },
    pre: [testFromPath, teachesTestCourse],
  },
  handler: (request) => results.listHistory(request.server.app.db, request.params.testId, request.query),
});

const updateTestResult = route({
  method: 'PUT',
  path: '/courses/tests/test-results/{testResultId}',
  options: {
    description: 'Correct a result (teachers of its course, admins)',
    ...documented('test-results', { 200: { description: 'The updated result', schema: testResultSchema } }, [...BODY_ERRORS, 403, 404]),
    validate: { params: idParams('testResultId'), payload: internals.updatePayload },
    pre: [testResultFromPath, teachesResultCourse],
  },
  handler: (request) =>
    results.updateTestResult(request.server.app.db, request.params.testResultId, request.payload.result, request.auth.credentials.userId),
});

const deleteTestResult = route({
  method: 'DELETE',
  path: '/courses/tests/test-results/{testResultId}',
  options: {
    description: 'Delete a result (teachers of its course, admins)',
    ...documented('test-results', { 204: 'Deleted' }, [...BODY_ERRORS, 403, 404]),
    validate: { params: idParams('testResultId') },
    pre: [testResultFromPath, teachesResultCourse],
  },
  handler: async (request, h) => {
    await results.deleteTestResult(request.server.app.db, request.params.testResultId, request.auth.credentials.userId);
    return h.response().code(204);
  },
});

const listUserResults = route({
  method: 'GET',
  path: '/users/{userId}/test-results',
  options: {
    description: "A user's results (yourself, admins). Results of tests not released yet are left out unless the caller is an admin",
    ...documented('test-results', { 200: { description: 'Results by id', schema: internals.list } }, [400, 403, 404]),
    validate: { params: idParams('userId'), query: listQuery },
    pre: [userFromPath, isSelf],
  },
  handler: (request) =>
    results.listUserResults(request.server.app.db, request.params.userId, request.query, {
      releasedOnly: !request.auth.credentials.isAdmin,
    }),
});

export const testResultsPlugin: Plugin<void> = {
  name: 'test-results',
  register(server) {
    server.route(listTestResults);
    server.route(createTestResult);
    server.route(bulkGrade);
    server.route(listHistory);
    server.route(updateTestResult);
    server.route(deleteTestResult);
    server.route(listUserResults);
  },
};
