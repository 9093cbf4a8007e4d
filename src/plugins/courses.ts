// Courses: GET /courses, GET|PUT|DELETE /courses/{courseId}, POST /courses.
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import { courseFromPath, teachesCourse, type Pres } from '../auth/policies';
import { idParams, listQuery, longText, responses, shortText, type IdParams } from '../schemas/common';
import { courseSchema } from '../schemas/resources';
import * as courses from '../services/courses';
import type { ListQuery } from '../services/types';

const internals = {
  params: idParams('courseId'),
  createPayload: Joi.object<courses.CourseInput, true>({ name: shortText.required(), courseDetails: longText.required() }).label(
    'CourseCreate',
  ),
  updatePayload: Joi.object<Partial<courses.CourseInput>, true>({ name: shortText, courseDetails: longText }).min(1).label('CourseUpdate'),
};

type CourseRoute = { Params: IdParams<'courseId'>; Pres: Pres<'course'> };

export const coursesPlugin: Plugin<void> = {
  name: 'courses',
  register(server) {
    const { db } = server.app;
    server.route<{ Query: ListQuery }>({
      method: 'GET',
      path: '/courses',
      options: {
        description: 'List courses, each with its tests',
        tags: ['api', 'courses'],
        validate: { query: listQuery },
        response: { status: { 200: Joi.array().items(courseSchema).label('Courses') } },
        plugins: { 'hapi-swagger': { responses: responses({ 200: { description: 'Courses by id' } }, [400, 401]) } },
      },
      handler: (request) => courses.listCourses(db, request.query),
    });
    server.route<{ Params: IdParams<'courseId'> }>({
      method: 'GET',
      path: '/courses/{courseId}',
      options: {
        description: 'A course with its tests',
        tags: ['api', 'courses'],
        validate: { params: internals.params },
        response: { status: { 200: courseSchema } },
        plugins: { 'hapi-swagger': { responses: responses({ 200: { description: 'The course' } }, [400, 401, 404]) } },
      },
      handler: (request) => courses.getCourse(db, request.params.courseId),
    });
    server.route<{ Payload: courses.CourseInput }>({
      method: 'POST',
      path: '/courses',
      options: {
        description: 'Create a course; the creator becomes its TEACHER',
        tags: ['api', 'courses'],
        validate: { payload: internals.createPayload },
        response: { status: { 201: courseSchema } },
        plugins: { 'hapi-swagger': { responses: responses({ 201: { description: 'Created' } }, [400, 401]) } },
      },
      handler: async (request, h) => {
        const { userId } = request.auth.credentials;
        const created = await courses.createCourse(db, userId, request.payload);
        server.app.credentialsCache.evictUser(userId); // the creator now teaches it
        return h.response(created).code(201);
      },
    });
    server.route<CourseRoute & { Payload: Partial<courses.CourseInput> }>({
      method: 'PUT',
      path: '/courses/{courseId}',
      options: {
        description: 'Update a course (teachers of the course, admins)',
        tags: ['api', 'courses'],
        validate: { params: internals.params, payload: internals.updatePayload },
        pre: [courseFromPath, teachesCourse],
        response: { status: { 200: courseSchema } },
        plugins: { 'hapi-swagger': { responses: responses({ 200: { description: 'The updated course' } }) } },
      },
      handler: (request) => courses.updateCourse(db, request.params.courseId, request.payload),
    });
    server.route<CourseRoute>({
      method: 'DELETE',
      path: '/courses/{courseId}',
      options: {
        description: 'Delete a course with its tests, results, enrollments and feedback (teachers of the course, admins)',
        tags: ['api', 'courses'],
        validate: { params: internals.params },
        pre: [courseFromPath, teachesCourse],
        plugins: { 'hapi-swagger': { responses: responses({ 204: { description: 'Deleted' } }) } },
      },
      handler: async (request, h) => {
        await courses.deleteCourse(db, request.params.courseId);
        return h.response().code(204);
      },
    });
  },
};
