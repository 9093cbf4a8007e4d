// Enrollments: GET|POST /users/{userId}/courses, DELETE /users/{userId}/courses/{courseId}.
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import {
  courseFromPayload,
  enrollmentFromPath,
  isSelf,
  mayEnroll,
  selfOrTeachesCourse,
  userFromPath,
} from '../auth/policies';
import { id, idParams, listQuery, responses, type ListQuery } from '../schemas/common';
import { enrollmentSchema, roleSchema, userCourseSchema } from '../schemas/resources';
import * as enrollment from '../services/enrollment';

const internals = {
  enrollPayload: Joi.object({ courseId: id.required(), role: roleSchema.required() }).label('EnrollmentCreate'),
  params: (request: { params: unknown }) => request.params as { userId: number; courseId: number },
};

export const enrollmentPlugin: Plugin<void> = {
  name: 'enrollment',
  register(server) {
    const { db } = server.app;
    server.route([
      {
        method: 'GET',
        path: '/users/{userId}/courses',
        options: {
          description: "The courses a user is enrolled in, each with the user's role (yourself, admins)",
          tags: ['api', 'enrollment'],
          validate: { params: idParams('userId'), query: Joi.object(listQuery) },
          pre: [userFromPath, isSelf],
          response: { status: { 200: Joi.array().items(userCourseSchema).label('UserCourses') } },
          plugins: { 'hapi-swagger': { responses: responses({ 200: { description: 'Courses by id, with role' } }) } },
        },
        handler: (request) => enrollment.listUserCourses(db, internals.params(request).userId, request.query as unknown as ListQuery),
      },
      {
        method: 'POST',
        path: '/users/{userId}/courses',
        options: {
          description:
            'Enroll a user in a course. Non-admins enroll only themselves and only as STUDENT, unless they teach the course',
          tags: ['api', 'enrollment'],
          validate: { params: idParams('userId'), payload: internals.enrollPayload },
          pre: [userFromPath, courseFromPayload, mayEnroll],
          response: { status: { 201: enrollmentSchema } },
          plugins: {
            'hapi-swagger': { responses: responses({ 201: { description: 'Enrolled' } }, [400, 401, 403, 404, 409]) },
          },
        },
        handler: async (request, h) => {
          const { courseId, role } = request.payload as { courseId: number; role: enrollment.Role };
          const created = await enrollment.enroll(db, internals.params(request).userId, courseId, role);
          server.app.credentialsCache.evictUser(created.userId); // their teacherOf may have changed
          return h.response(created).code(201);
        },
      },
      {
        method: 'DELETE',
        path: '/users/{userId}/courses/{courseId}',
        options: {
          description: 'Remove an enrollment (the user, teachers of the course, admins)',
          tags: ['api', 'enrollment'],
          validate: { params: idParams('userId', 'courseId') },
          pre: [enrollmentFromPath, selfOrTeachesCourse],
          plugins: { 'hapi-swagger': { responses: responses({ 204: { description: 'Removed' } }) } },
        },
        handler: async (request, h) => {
          const { userId, courseId } = internals.params(request);
          await enrollment.unenroll(db, userId, courseId);
          server.app.credentialsCache.evictUser(userId); // their teacherOf may have changed
          return h.response().code(204);
        },
      },
    ]);
  },
};
