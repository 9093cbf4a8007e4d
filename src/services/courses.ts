// Courses: queries and domain rules. No Hapi here; a missing row is a DomainError('notFound').
import type { Db } from '../db/prisma';
import { DomainError } from '../errors';
import type { ListQuery } from '../schemas/common';
import { testSelect } from './tests';

const courseSelect = {
  id: true,
  name: true,
  courseDetails: true,
  createdAt: true,
  updatedAt: true,
  tests: { select: testSelect, orderBy: { id: 'asc' } },
} as const;

export interface CourseInput {
  readonly name: string;
  readonly courseDetails: string;
}

/** What authorization needs about a course: that it exists, and the caller's role in it. */
export interface CourseRef {
  readonly id: number;
  readonly callerRole: 'TEACHER' | 'STUDENT' | null;
}

export async function findCourseRef(db: Db, courseId: number, callerId: number): Promise<CourseRef | null> {
  const course = await db.course.findUnique({
    where: { id: courseId },
    select: { id: true, members: { where: { userId: callerId }, select: { role: true } } },
  });
  return course && { id: course.id, callerRole: course.members[0]?.role ?? null };
}

export function listCourses(db: Db, { take, skip }: ListQuery) {
  return db.course.findMany({ select: courseSelect, orderBy: { id: 'asc' }, take, skip });
}

export async function getCourse(db: Db, courseId: number) {
  const course = await db.course.findUnique({ where: { id: courseId }, select: courseSelect });
  if (!course) {
    throw new DomainError('notFound', `Course ${courseId} does not exist`);
  }
  return course;
}

/** Creates the course and makes its creator a TEACHER of it, atomically (one nested create). */
export function createCourse(db: Db, creatorId: number, input: CourseInput) {
  return db.course.create({
    data: { ...input, members: { create: { userId: creatorId, role: 'TEACHER' } } },
    select: courseSelect,
  });
}

export function updateCourse(db: Db, courseId: number, input: Partial<CourseInput>) {
  return db.course.update({ where: { id: courseId }, data: input, select: courseSelect });
}

/** Tests, results, enrollments and feedback go too (onDelete: Cascade in the schema). */
export async function deleteCourse(db: Db, courseId: number): Promise<void> {
  await db.course.delete({ where: { id: courseId }, select: { id: true } });
}
