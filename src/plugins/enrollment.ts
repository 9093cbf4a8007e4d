// Enrollments: GET|POST /users/{userId}/courses, DELETE /users/{userId}/courses/{courseId}.
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import {
  courseFromPayload,
  enrollmentFromPath,
  isSelf,
  limitWritesForOthers,
  mayEnroll,
  selfOrTeachesCourse,
  userFromPath,
} from '../auth/policies';
import { id, idParams, listQuery } from '../schemas/common';
import { enrollmentSchema, roleSchema, userCourseSchema } from '../schemas/resources';
import * as enrollment from '../services/enrollment';
import { BODY_ERRORS, documented, route } from './route';

interface EnrollPayload {
  readonly courseId: number;
  readonly role: enrollment.Role;
}

const internals = {
  enrollPayload: Joi.object<EnrollPayload, true>({ courseId: id.required(), role: roleSchema.required() }).label('EnrollmentCreate'),

  /** Whose teaching right an enrollment uses (see mayEnroll): none for admins and self-enrollment as STUDENT. */
  grantedBy(caller: { userId: number; isAdmin: boolean }, userId: number, role: enrollment.Role): number | undefined {
    return caller.isAdmin || (caller.userId === userId && role === 'STUDENT') ? undefined : caller.userId;
  },
};

const listUserCourses = route({
  method: 'GET',
  path: '/users/{userId}/courses',
  options: {
    description: "The courses a user is enrolled in, each with the user's role (yourself, admins)",
    ...documented(
      'enrollment',
      { 200: { description: 'Courses by id, with role', schema: Joi.array().items(userCourseSchema).max(100).label('UserCourses') } },
      [400, 403, 404],
    ),
    validate: { params: idParams('userId'), query: listQuery },
    pre: [userFromPath, isSelf],
  },
  handler: (request) => enrollment.listUserCourses(request.server.app.db, request.params.userId, request.query),
});

const enroll = route({
  method: 'POST',
  path: '/users/{userId}/courses',
  options: {
    description: 'Enroll a user in a course. Non-admins enroll only themselves and only as STUDENT, unless they teach the course',
    ...documented('enrollment', { 201: { description: 'Enrolled', schema: enrollmentSchema } }, [...BODY_ERRORS, 403, 404, 409, 429]),
    validate: { params: idParams('userId'), payload: internals.enrollPayload },
    pre: [limitWritesForOthers, userFromPath, courseFromPayload, mayEnroll],
  },
  handler: async (request, h) => {
    const { db } = request.server.app;
    const { courseId, role } = request.payload;
    const { userId } = request.params;
    const created = await enrollment.enroll(db, userId, courseId, role, internals.grantedBy(request.auth.credentials, userId, role));
    return h.response(created).code(201);
  },
});

const unenroll = route({
  method: 'DELETE',
  path: '/users/{userId}/courses/{courseId}',
  options: {
    description: 'Remove an enrollment (the user, teachers of the course, admins)',
    ...documented('enrollment', { 204: 'Removed' }, [...BODY_ERRORS, 403, 404]),
    validate: { params: idParams('userId', 'courseId') },
    pre: [enrollmentFromPath, selfOrTeachesCourse],
  },
  handler: async (request, h) => {
    const { userId, courseId } = request.params;
    await enrollment.unenroll(request.server.app.db, userId, courseId);
    return h.response().code(204);
  },
});

export const enrollmentPlugin: Plugin<void> = {
  name: 'enrollment',
  register(server) {
    server.route(listUserCourses);
    server.route(enroll);
    server.route(unenroll);
  },
};
