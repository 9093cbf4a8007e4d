// Tests of a course: POST /courses/{courseId}/tests, GET|PUT|DELETE /courses/tests/{testId}.
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import { courseFromPath, limitWritesForOthers, teachesCourse, teachesTestCourse, testFromPath } from '../auth/policies';
import { idParams, isoDate, shortText } from '../schemas/common';
import { testSchema } from '../schemas/resources';
import * as tests from '../services/tests';
import { BODY_ERRORS, documented, route } from './route';

const fields = {
  weight: Joi.number()
    .integer()
    .min(0)
    .max(1000)
    .meta({ format: 'int32' })
    .description('Relative weight in the final grade, 0–1000 (0 = does not count); default 1'),
  released: Joi.boolean().description('Students see the results only once released; default true. Releasing emails each graded student'),
};

const internals = {
  params: idParams('testId'),
  createPayload: Joi.object<tests.TestInput, true>({ name: shortText.required(), date: isoDate.required(), ...fields }).label('TestCreate'),
  updatePayload: Joi.object<Partial<tests.TestInput>, true>({ name: shortText, date: isoDate, ...fields })
    .min(1)
    .label('TestUpdate'),
};

const createTest = route({
  method: 'POST',
  path: '/courses/{courseId}/tests',
  options: {
    description: 'Add a test to a course (teachers of the course, admins)',
    ...documented('tests', { 201: testSchema }, [...BODY_ERRORS, 403, 404, [409, 'The course already holds 200 tests'], 429]),
    validate: { params: idParams('courseId'), payload: internals.createPayload },
    pre: [limitWritesForOthers, courseFromPath, teachesCourse],
  },
  handler: async (request, h) =>
    h.response(await tests.createTest(request.server.app.db, request.params.courseId, request.payload)).code(201),
});

const getTest = route({
  method: 'GET',
  path: '/courses/tests/{testId}',
  options: {
    description: 'A test',
    ...documented('tests', { 200: { description: 'The test', schema: testSchema } }, [400, 404]),
    validate: { params: internals.params },
  },
  handler: (request) => tests.getTest(request.server.app.db, request.params.testId),
});

const updateTest = route({
  method: 'PUT',
  path: '/courses/tests/{testId}',
  options: {
    description: 'Update a test (teachers of its course, admins)',
    ...documented('tests', { 200: { description: 'The updated test', schema: testSchema } }, [...BODY_ERRORS, 403, 404]),
    validate: { params: internals.params, payload: internals.updatePayload },
    pre: [testFromPath, teachesTestCourse],
  },
  handler: (request) => {
    const { db, releaseNotifier } = request.server.app;
    return tests.updateTest(db, request.params.testId, request.payload, releaseNotifier);
  },
});

const deleteTest = route({
  method: 'DELETE',
  path: '/courses/tests/{testId}',
  options: {
    description: 'Delete a test and its results (teachers of its course, admins)',
    ...documented('tests', { 204: 'Deleted' }, [...BODY_ERRORS, 403, 404]),
    validate: { params: internals.params },
    pre: [testFromPath, teachesTestCourse],
  },
  handler: async (request, h) => {
    await tests.deleteTest(request.server.app.db, request.params.testId);
    return h.response().code(204);
  },
});

export const testsPlugin: Plugin<void> = {
  name: 'tests',
  register(server) {
    server.route(createTest);
    server.route(getTest);
    server.route(updateTest);
    server.route(deleteTest);
  },
};
