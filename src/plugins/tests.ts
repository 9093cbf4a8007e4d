// Tests of a course: POST /courses/{courseId}/tests, GET|PUT|DELETE /courses/tests/{testId}.
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import { courseFromPath, teachesCourse, teachesTestCourse, testFromPath } from '../auth/policies';
import { idParams, isoDate, responses, shortText } from '../schemas/common';
import { testSchema } from '../schemas/resources';
import * as tests from '../services/tests';

const internals = {
  createPayload: Joi.object({ name: shortText.required(), date: isoDate.required() }).label('TestCreate'),
  updatePayload: Joi.object({ name: shortText, date: isoDate }).min(1).label('TestUpdate'),
  params: (request: { params: unknown }) => request.params as { courseId: number; testId: number },
};

export const testsPlugin: Plugin<void> = {
  name: 'tests',
  register(server) {
    const { db } = server.app;
    server.route([
      {
        method: 'POST',
        path: '/courses/{courseId}/tests',
        options: {
          description: 'Add a test to a course (teachers of the course, admins)',
          tags: ['api', 'tests'],
          validate: { params: idParams('courseId'), payload: internals.createPayload },
          pre: [courseFromPath, teachesCourse],
          response: { status: { 201: testSchema } },
          plugins: { 'hapi-swagger': { responses: responses({ 201: { description: 'Created' } }) } },
        },
        handler: async (request, h) =>
          h.response(await tests.createTest(db, internals.params(request).courseId, request.payload as tests.TestInput)).code(201),
      },
      {
        method: 'GET',
        path: '/courses/tests/{testId}',
        options: {
          description: 'A test',
          tags: ['api', 'tests'],
          validate: { params: idParams('testId') },
          response: { status: { 200: testSchema } },
          plugins: { 'hapi-swagger': { responses: responses({ 200: { description: 'The test' } }, [400, 401, 404]) } },
        },
        handler: (request) => tests.getTest(db, internals.params(request).testId),
      },
      {
        method: 'PUT',
        path: '/courses/tests/{testId}',
        options: {
          description: 'Update a test (teachers of its course, admins)',
          tags: ['api', 'tests'],
          validate: { params: idParams('testId'), payload: internals.updatePayload },
          pre: [testFromPath, teachesTestCourse],
          response: { status: { 200: testSchema } },
          plugins: { 'hapi-swagger': { responses: responses({ 200: { description: 'The updated test' } }) } },
        },
        handler: (request) => tests.updateTest(db, internals.params(request).testId, request.payload as Partial<tests.TestInput>),
      },
      {
        method: 'DELETE',
        path: '/courses/tests/{testId}',
        options: {
          description: 'Delete a test and its results (teachers of its course, admins)',
          tags: ['api', 'tests'],
          validate: { params: idParams('testId') },
          pre: [testFromPath, teachesTestCourse],
          plugins: { 'hapi-swagger': { responses: responses({ 204: { description: 'Deleted' } }) } },
        },
        handler: async (request, h) => {
          await tests.deleteTest(db, internals.params(request).testId);
          return h.response().code(204);
        },
      },
    ]);
  },
};
