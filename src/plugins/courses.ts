// Courses: GET /courses, GET|PUT|DELETE /courses/{courseId}, POST /courses.
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import { courseFromPath, teachesCourse } from '../auth/policies';
import { idParams, listQuery, longText, responses, shortText, type ListQuery } from '../schemas/common';
import * as courses from '../services/courses';
import { courseSchema } from '../schemas/resources';

const internals = {
  params: idParams('courseId'),
  createPayload: Joi.object({ name: shortText.required(), courseDetails: longText.required() }).label('CourseCreate'),
  updatePayload: Joi.object({ name: shortText, courseDetails: longText }).min(1).label('CourseUpdate'),
};

export const coursesPlugin: Plugin<void> = {
  name: 'courses',
  register(server) {
    const { db } = server.app;
    server.route([
      {
        method: 'GET',
        path: '/courses',
        options: {
          description: 'List courses, each with its tests',
          tags: ['api', 'courses'],
          validate: { query: Joi.object(listQuery) },
          response: { status: { 200: Joi.array().items(courseSchema).label('Courses') } },
          plugins: { 'hapi-swagger': { responses: responses({ 200: { description: 'Courses by id' } }, [400, 401]) } },
        },
        handler: (request) => courses.listCourses(db, request.query as unknown as ListQuery),
      },
      {
        method: 'GET',
        path: '/courses/{courseId}',
        options: {
          description: 'A course with its tests',
          tags: ['api', 'courses'],
          validate: { params: internals.params },
          response: { status: { 200: courseSchema } },
          plugins: { 'hapi-swagger': { responses: responses({ 200: { description: 'The course' } }, [400, 401, 404]) } },
        },
        handler: (request) => courses.getCourse(db, request.params.courseId as unknown as number),
      },
      {
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
          const created = await courses.createCourse(db, userId, request.payload as courses.CourseInput);
          server.app.credentialsCache.evictUser(userId); // the creator now teaches it
          return h.response(created).code(201);
        },
      },
      {
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
        handler: (request) =>
          courses.updateCourse(db, request.params.courseId as unknown as number, request.payload as Partial<courses.CourseInput>),
      },
      {
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
          await courses.deleteCourse(db, request.params.courseId as unknown as number);
          return h.response().code(204);
        },
      },
    ]);
  },
};
