// Course feedback: POST (enrolled students) and GET (teachers, admins) /courses/{courseId}/feedback.
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import { courseFromPath, studentOfCourse, teachesCourse } from '../auth/policies';
import { idParams, listQuery, longText } from '../schemas/common';
import { feedbackSchema } from '../schemas/resources';
import * as feedback from '../services/feedback';
import { BODY_ERRORS, documented, route } from './route';

interface FeedbackPayload {
  readonly feedback: string;
}

const internals = {
  params: idParams('courseId'),
  createPayload: Joi.object<FeedbackPayload, true>({ feedback: longText.required() }).label('FeedbackCreate'),
};

const createFeedback = route({
  method: 'POST',
  path: '/courses/{courseId}/feedback',
  options: {
    description: 'Give feedback on a course (students enrolled in it)',
    ...documented('feedback', { 201: { description: 'Recorded', schema: feedbackSchema } }, [...BODY_ERRORS, 403, 404]),
    validate: { params: internals.params, payload: internals.createPayload },
    pre: [courseFromPath, studentOfCourse],
  },
  handler: async (request, h) => {
    const { db } = request.server.app;
    const created = await feedback.createFeedback(db, request.params.courseId, request.auth.credentials.userId, request.payload.feedback);
    return h.response(created).code(201);
  },
});

const listFeedback = route({
  method: 'GET',
  path: '/courses/{courseId}/feedback',
  options: {
    description: "A course's feedback (teachers of the course, admins)",
    ...documented(
      'feedback',
      { 200: { description: 'Feedback by id', schema: Joi.array().items(feedbackSchema).max(100).label('FeedbackList') } },
      [400, 403, 404],
    ),
    validate: { params: internals.params, query: listQuery },
    pre: [courseFromPath, teachesCourse],
  },
  handler: (request) => feedback.listFeedback(request.server.app.db, request.params.courseId, request.query),
});

export const feedbackPlugin: Plugin<void> = {
  name: 'feedback',
  register(server) {
    server.route(createFeedback);
    server.route(listFeedback);
  },
};
