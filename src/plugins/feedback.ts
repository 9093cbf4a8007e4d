// Course feedback: POST (enrolled students) and GET (teachers, admins) /courses/{courseId}/feedback.
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import { courseFromPath, studentOfCourse, teachesCourse } from '../auth/policies';
import { idParams, listQuery, longText, responses, type ListQuery } from '../schemas/common';
import { feedbackSchema } from '../schemas/resources';
import * as feedback from '../services/feedback';

const internals = {
  courseId: (request: { params: unknown }) => (request.params as { courseId: number }).courseId,
};

export const feedbackPlugin: Plugin<void> = {
  name: 'feedback',
  register(server) {
    const { db } = server.app;
    server.route([
      {
        method: 'POST',
        path: '/courses/{courseId}/feedback',
        options: {
          description: 'Give feedback on a course (students enrolled in it)',
          tags: ['api', 'feedback'],
          validate: {
            params: idParams('courseId'),
            payload: Joi.object({ feedback: longText.required() }).label('FeedbackCreate'),
          },
          pre: [courseFromPath, studentOfCourse],
          response: { status: { 201: feedbackSchema } },
          plugins: { 'hapi-swagger': { responses: responses({ 201: { description: 'Recorded' } }) } },
        },
        handler: async (request, h) => {
          const text = (request.payload as { feedback: string }).feedback;
          return h.response(await feedback.createFeedback(db, internals.courseId(request), request.auth.credentials.userId, text)).code(201);
        },
      },
      {
        method: 'GET',
        path: '/courses/{courseId}/feedback',
        options: {
          description: "A course's feedback (teachers of the course, admins)",
          tags: ['api', 'feedback'],
          validate: { params: idParams('courseId'), query: Joi.object(listQuery) },
          pre: [courseFromPath, teachesCourse],
          response: { status: { 200: Joi.array().items(feedbackSchema).label('FeedbackList') } },
          plugins: { 'hapi-swagger': { responses: responses({ 200: { description: 'Feedback by id' } }) } },
        },
        handler: (request) => feedback.listFeedback(db, internals.courseId(request), request.query as unknown as ListQuery),
      },
    ]);
  },
};
