// Test results: GET|POST /courses/tests/{testId}/test-results,
// PUT|DELETE /courses/tests/test-results/{testResultId}, GET /users/{userId}/test-results.
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import {
  teachesResultCourse,
  isSelf,
  teachesTestCourse,
  testFromPath,
  testResultFromPath,
  userFromPath,
  type Pres,
} from '../auth/policies';
import { id, idParams, listQuery, type IdParams } from '../schemas/common';
import { testResultSchema } from '../schemas/resources';
import * as results from '../services/test-results';
import type { ListQuery } from '../services/types';
import { BODY_ERRORS, documented } from './route';

const result = Joi.number().integer().min(0).max(1000).meta({ format: 'int32' }).description('Per mille: 875 = 87.5 %');

const internals = {
  list: Joi.array().items(testResultSchema).max(100).label('TestResults'),
  createPayload: Joi.object<results.TestResultInput, true>({ result: result.required(), studentId: id.required() }).label(
    'TestResultCreate',
  ),
  updatePayload: Joi.object<{ result: number }, true>({ result: result.required() }).label('TestResultUpdate'),
};

type ResultRoute = { Params: IdParams<'testResultId'>; Pres: Pres<'testResult'> };

export const testResultsPlugin: Plugin<void> = {
  name: 'test-results',
  register(server) {
    const { db } = server.app;
    server.route<{ Params: IdParams<'testId'>; Query: ListQuery; Pres: Pres<'test'> }>({
      method: 'GET',
      path: '/courses/tests/{testId}/test-results',
      options: {
        description: 'The results of a test (teachers of its course, admins)',
        ...documented('test-results', { 200: { description: 'Results by id', schema: internals.list } }, [400, 403, 404]),
        validate: { params: idParams('testId'), query: listQuery },
        pre: [testFromPath, teachesTestCourse],
      },
      handler: (request) => results.listTestResults(db, request.params.testId, request.query),
    });
    server.route<{ Params: IdParams<'testId'>; Payload: results.TestResultInput; Pres: Pres<'test'> }>({
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
        const created = await results.createTestResult(db, request.pre.test, request.payload, request.auth.credentials.userId);
        return h.response(created).code(201);
      },
    });
    server.route<ResultRoute & { Payload: { result: number } }>({
      method: 'PUT',
      path: '/courses/tests/test-results/{testResultId}',
      options: {
        description: 'Correct a result (teachers of its course, admins)',
        ...documented('test-results', { 200: { description: 'The updated result', schema: testResultSchema } }, [...BODY_ERRORS, 403, 404]),
        validate: { params: idParams('testResultId'), payload: internals.updatePayload },
        pre: [testResultFromPath, teachesResultCourse],
      },
      handler: (request) => results.updateTestResult(db, request.params.testResultId, request.payload.result),
    });
    server.route<ResultRoute>({
      method: 'DELETE',
      path: '/courses/tests/test-results/{testResultId}',
      options: {
        description: 'Delete a result (teachers of its course, admins)',
        ...documented('test-results', { 204: 'Deleted' }, [...BODY_ERRORS, 403, 404]),
        validate: { params: idParams('testResultId') },
        pre: [testResultFromPath, teachesResultCourse],
      },
      handler: async (request, h) => {
        await results.deleteTestResult(db, request.params.testResultId);
        return h.response().code(204);
      },
    });
    server.route<{ Params: IdParams<'userId'>; Query: ListQuery; Pres: Pres<'user'> }>({
      method: 'GET',
      path: '/users/{userId}/test-results',
      options: {
        description: "A user's results (yourself, admins)",
        ...documented('test-results', { 200: { description: 'Results by id', schema: internals.list } }, [400, 403, 404]),
        validate: { params: idParams('userId'), query: listQuery },
        pre: [userFromPath, isSelf],
      },
      handler: (request) => results.listUserResults(db, request.params.userId, request.query),
    });
  },
};
