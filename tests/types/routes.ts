// Compile-time checks of route() (src/plugins/route.ts), run by `npm run typecheck`. Each line marked
// with a ts-expect-error directive must fail to compile, or tsc fails on the unused directive. Never run.
import Joi from 'joi';
import { courseFromPath, teachesCourse, teachesTestCourse } from '../../src/auth/policies';
import { route } from '../../src/plugins/route';
import { idParams, listQuery } from '../../src/schemas/common';
import type { ListQuery } from '../../src/services/types';

const takesList = (query: ListQuery) => query.take;

// Validated inputs have their schemas' types.
route({
  method: 'GET',
  path: '/courses/{courseId}/things',
  options: { validate: { params: idParams('courseId'), query: listQuery }, pre: [courseFromPath, teachesCourse] },
  handler: (request) => [request.params.courseId + 1, takesList(request.query), request.pre.course.callerRole],
});

// An input the route does not validate cannot be read as if it were.
route({
  method: 'GET',
  path: '/courses/{courseId}/things',
  options: {},
  handler: (request) => {
    // @ts-expect-error no validate.params: courseId is unknown, not a number
    const courseId: number = request.params.courseId;
    // @ts-expect-error no validate.query: not a ListQuery
    return [courseId, takesList(request.query)];
  },
});

// A payload has the type of its schema, not the one a handler would like.
route({
  method: 'POST',
  path: '/things',
  options: { validate: { payload: Joi.object<{ name: string }, true>({ name: Joi.string() }) } },
  // @ts-expect-error the schema has no `feedback`
  handler: (request) => request.payload.feedback,
});

// request.pre holds only what the route's loaders assign.
route({
  method: 'GET',
  path: '/courses/{courseId}/things',
  options: { validate: { params: idParams('courseId') }, pre: [courseFromPath] },
  // @ts-expect-error no testFromPath in pre
  handler: (request) => request.pre.test,
});

// A policy needs its loader: teachesTestCourse reads request.pre.test.
route({
  method: 'GET',
  path: '/courses/{courseId}/things',
  options: {
    validate: { params: idParams('courseId') },
    // @ts-expect-error teachesTestCourse without testFromPath
    pre: [courseFromPath, teachesTestCourse],
  },
  handler: () => null,
});
