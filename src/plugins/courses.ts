// Courses: GET /courses, GET|PUT|DELETE /courses/{courseId}, POST /courses.
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import { courseFromPath, limitWritesForOthers, mayCreateCourses, teachesCourse } from '../auth/policies';
import { idParams, listQuery, longText, shortText, text } from '../schemas/common';
import { courseSchema } from '../schemas/resources';
import * as courses from '../services/courses';
import { BODY_ERRORS, documented, route } from './route';

const scaleEntry = Joi.object({
  letter: text.trim().min(1).max(5).required(),
  min: Joi.number()
    .integer()
    .min(0)
    .max(1000)
    .meta({ format: 'int32' })
    .required()
    .description('Lowest final grade (result units) with this letter'),
})
  .messages({ 'object.base': '"gradingScale" entries must be objects with a letter and a min' })
  .label('GradeLetterInput');

// 1–20 entries, unique letters and mins, exactly one entry with min 0 (so every grade has a letter).
const gradingScale = Joi.array<courses.GradeLetter[]>()
  .items(scaleEntry)
  .min(1)
  .max(20)
  .unique((a: { letter: string }, b: { letter: string }) => a.letter.toLowerCase() === b.letter.toLowerCase())
  .unique('min')
  .has(Joi.object({ min: Joi.valid(0) }).unknown())
  // The labels name the OpenAPI definitions; the messages name the field.
  .messages({
    'array.base': '"gradingScale" must be an array of letters with their min',
    'array.min': '"gradingScale" needs at least 1 entry',
    'array.max': '"gradingScale" allows at most 20 entries',
    'array.unique': '"gradingScale[{{#pos}}]" repeats the letter or the min of an earlier entry',
    'array.hasUnknown': '"gradingScale" needs an entry with min 0',
  })
  .description('Letters by minimum final grade; default A 900, B 800, C 700, D 600, F 0')
  .label('GradingScaleInput');

const internals = {
  params: idParams('courseId'),
  createPayload: Joi.object<courses.CourseInput, true>({
    name: shortText.required(),
    courseDetails: longText.required(),
    gradingScale,
  }).label('CourseCreate'),
  updatePayload: Joi.object<Partial<courses.CourseInput>, true>({ name: shortText, courseDetails: longText, gradingScale })
    .min(1)
    .label('CourseUpdate'),
};

const listCourses = route({
  method: 'GET',
  path: '/courses',
  options: {
    description: 'List courses, each with its tests',
    ...documented(
      'courses',
      { 200: { description: 'Courses by id', schema: Joi.array().items(courseSchema).max(100).label('Courses') } },
      [400],
    ),
    validate: { query: listQuery },
  },
  handler: (request) => courses.listCourses(request.server.app.db, request.query),
});

const getCourse = route({
  method: 'GET',
  path: '/courses/{courseId}',
  options: {
    description: 'A course with its tests',
    ...documented('courses', { 200: { description: 'The course', schema: courseSchema } }, [400, 404]),
    validate: { params: internals.params },
  },
  handler: (request) => courses.getCourse(request.server.app.db, request.params.courseId),
});

const createCourse = route({
  method: 'POST',
  path: '/courses',
  options: {
    description: 'Create a course; the creator becomes its TEACHER',
    ...documented('courses', { 201: courseSchema }, [...BODY_ERRORS, 403, 429]),
    validate: { payload: internals.createPayload },
    pre: [limitWritesForOthers, mayCreateCourses],
  },
  handler: async (request, h) => {
    const { userId } = request.auth.credentials;
    const created = await courses.createCourse(request.server.app.db, userId, request.payload);
    return h.response(created).code(201);
  },
});

const updateCourse = route({
  method: 'PUT',
  path: '/courses/{courseId}',
  options: {
    description: 'Update a course (teachers of the course, admins)',
    ...documented('courses', { 200: { description: 'The updated course', schema: courseSchema } }, [...BODY_ERRORS, 403, 404]),
    validate: { params: internals.params, payload: internals.updatePayload },
    pre: [courseFromPath, teachesCourse],
  },
  handler: (request) => courses.updateCourse(request.server.app.db, request.params.courseId, request.payload),
});

const deleteCourse = route({
  method: 'DELETE',
  path: '/courses/{courseId}',
  options: {
    description: 'Delete a course with its tests, results, enrollments and feedback (teachers of the course, admins)',
    ...documented('courses', { 204: 'Deleted' }, [...BODY_ERRORS, 403, 404]),
    validate: { params: internals.params },
    pre: [courseFromPath, teachesCourse],
  },
  handler: async (request, h) => {
    await courses.deleteCourse(request.server.app.db, request.params.courseId);
    return h.response().code(204);
  },
});

export const coursesPlugin: Plugin<void> = {
  name: 'courses',
  register(server) {
    server.route(listCourses);
    server.route(getCourse);
    server.route(createCourse);
    server.route(updateCourse);
    server.route(deleteCourse);
  },
};
