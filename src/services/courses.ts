// Courses: queries and domain rules. No Hapi here. A missing course on read throws notFound('Course');
// update and delete of a missing row raise Prisma's P2025, which src/errors.ts maps to the same 404
// "Course not found" (their routes' courseFromPath loader answers it first, unless the row goes between).
import { Prisma } from '@prisma/client';
import type { Db } from '../db/prisma';
import { COURSE_COLUMNS, selectOf, sqlColumns } from './columns';
import { notFound } from './errors';
import { fromJsonTest, jsonTestSql, testSelect, type JsonTest } from './tests';
import type { ListQuery } from './types';

const courseSelect = {
  ...selectOf(COURSE_COLUMNS),
  tests: { select: testSelect, orderBy: { id: 'asc' } },
} as const;

/** The course columns of getCourse's one statement (alias c). */
const courseColumnsSql = Prisma.raw(sqlColumns('c', COURSE_COLUMNS));

export interface GradeLetter {
  readonly letter: string;
  readonly min: number;
}

export interface CourseInput {
  readonly name: string;
  readonly courseDetails: string;
  readonly gradingScale?: GradeLetter[];
}

/** The caller's enrollment role in a course, read from the database with the request's loader query. */
export type CallerRole = 'TEACHER' | 'STUDENT' | null;

/** What authorization needs about a course: that it exists, and the caller's role in it. */
export interface CourseRef {
  readonly id: number;
  readonly callerRole: CallerRole;
}

export async function findCourseRef(db: Db, courseId: number, callerId: number): Promise<CourseRef | null> {
  // One statement (a nested `members` select would be two): the course and the caller's enrollment.
  const [row] = await db.$queryRaw<Array<{ id: number; callerRole: CourseRef['callerRole'] }>>`
    SELECT c."id", e."role"::text AS "callerRole"
    FROM "courses" c
    LEFT JOIN "course_enrollments" e ON e."courseId" = c."id" AND e."userId" = ${callerId}
    WHERE c."id" = ${courseId}`;
  return row ? { id: row.id, callerRole: row.callerRole } : null;
}

export function listCourses(db: Db, { take, skip }: ListQuery) {
  return db.course.findMany({ select: courseSelect, orderBy: { id: 'asc' }, take, skip });
}

type CourseView = Prisma.CourseGetPayload<{ select: typeof courseSelect }>;

/** Stored (and so returned) sorted by min descending: the letter of a grade is the first entry at or below it. */
const sortScale = (scale: readonly GradeLetter[]) => [...scale].map(({ letter, min }) => ({ letter, min })).sort((a, b) => b.min - a.min);

const courseData = <T extends Partial<CourseInput>>(input: T) => ({
  ...input,
  ...(input.gradingScale && { gradingScale: sortScale(input.gradingScale) }),
});

export async function getCourse(db: Db, courseId: number): Promise<CourseView> {
  // The hot path, in ONE statement: findUnique with nested `tests` costs two round trips (the course,
  // then its tests), and the Rust-free client's per-statement overhead dominates this request.
  const [course] = await db.$queryRaw<Array<Omit<CourseView, 'tests'> & { tests: JsonTest[] }>>`
    SELECT ${courseColumnsSql},
           COALESCE((SELECT json_agg(${jsonTestSql} ORDER BY t."id")
                     FROM "tests" t WHERE t."courseId" = c."id"), '[]'::json) AS "tests"
    FROM "courses" c
    WHERE c."id" = ${courseId}`;
  if (!course) {
    throw notFound('Course');
  }
  return {
    ...course,
    tests: course.tests.map(fromJsonTest),
  };
}

/** Creates the course and makes its creator a TEACHER of it, atomically (one nested create). */
export function createCourse(db: Db, creatorId: number, input: CourseInput) {
  return db.course.create({
    data: { ...courseData(input), members: { create: { userId: creatorId, role: 'TEACHER' } } },
    select: courseSelect,
  });
}

export function updateCourse(db: Db, courseId: number, input: Partial<CourseInput>) {
  return db.course.update({ where: { id: courseId }, data: courseData(input), select: courseSelect });
}

/** Tests, results, enrollments and feedback go too (onDelete: Cascade in the schema). */
export async function deleteCourse(db: Db, courseId: number): Promise<void> {
  await db.course.delete({ where: { id: courseId }, select: { id: true } });
}
