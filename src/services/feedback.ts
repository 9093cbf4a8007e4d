// Course feedback written by the course's students, read by its teachers.
import type { Db } from '../db/prisma';
import type { ListQuery } from './types';

const feedbackSelect = { id: true, feedback: true, courseId: true, studentId: true, createdAt: true } as const;

export function createFeedback(db: Db, courseId: number, studentId: number, feedback: string) {
  return db.courseFeedback.create({ data: { courseId, studentId, feedback }, select: feedbackSelect });
}

export function listFeedback(db: Db, courseId: number, { take, skip }: ListQuery) {
  return db.courseFeedback.findMany({ where: { courseId }, select: feedbackSelect, orderBy: { id: 'asc' }, take, skip });
}
