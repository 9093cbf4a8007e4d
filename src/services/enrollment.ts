// Enrollments: who takes or teaches which course. The "who may enroll whom" rule is the route's
// policy (it needs only the caller's credentials); here are the queries.
import type { Prisma } from '@prisma/client';
import type { Db } from '../db/prisma';
import type { ListQuery } from './types';

export type Role = 'TEACHER' | 'STUDENT';

const enrollmentSelect = { userId: true, courseId: true, role: true, createdAt: true } as const;

export type EnrollmentView = Prisma.CourseEnrollmentGetPayload<{ select: typeof enrollmentSelect }>;

export function findEnrollment(db: Db, userId: number, courseId: number): Promise<EnrollmentView | null> {
  return db.courseEnrollment.findUnique({ where: { userId_courseId: { userId, courseId } }, select: enrollmentSelect });
}

/** The courses a user is enrolled in, each with the user's role, ordered by course id. */
export async function listUserCourses(db: Db, userId: number, { take, skip }: ListQuery) {
  const rows = await db.courseEnrollment.findMany({
    where: { userId },
    orderBy: { courseId: 'asc' },
    take,
    skip,
    select: {
      role: true,
      course: { select: { id: true, name: true, courseDetails: true, createdAt: true, updatedAt: true } },
    },
  });
  return rows.map(({ role, course }) => ({ ...course, role }));
}

/** A second enrollment of the same user in the same course is a unique violation → 409. */
export function enroll(db: Db, userId: number, courseId: number, role: Role) {
  return db.courseEnrollment.create({ data: { userId, courseId, role }, select: enrollmentSelect });
}

export async function unenroll(db: Db, userId: number, courseId: number): Promise<void> {
  await db.courseEnrollment.delete({ where: { userId_courseId: { userId, courseId } }, select: { userId: true } });
}
