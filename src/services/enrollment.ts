// Enrollments: who takes or teaches which course. The "who may enroll whom" rule is the route's
// policy (on the caller's role as the request's loader read it); a right granted by teaching is
// checked once more inside the write (enroll), so a concurrent removal can never be undone.
import type { Prisma } from '@prisma/client';
import type { Db } from '../db/prisma';
import { selectOf, USER_COURSE_COLUMNS } from './columns';
import type { CallerRole } from './courses';
import { DomainError } from './errors';
import type { ListQuery } from './types';

export type Role = 'TEACHER' | 'STUDENT';

const enrollmentSelect = { userId: true, courseId: true, role: true, createdAt: true } as const;

export type EnrollmentView = Prisma.CourseEnrollmentGetPayload<{ select: typeof enrollmentSelect }>;

/** What authorization needs about an enrollment: that it exists, and the caller's role in its course. */
export interface EnrollmentRef {
  readonly userId: number;
  readonly courseId: number;
  readonly role: Role;
  readonly callerRole: CallerRole;
}

export async function findEnrollmentRef(db: Db, userId: number, courseId: number, callerId: number): Promise<EnrollmentRef | null> {
  // One statement: the enrollment and the caller's own one in the same course.
  const [row] = await db.$queryRaw<EnrollmentRef[]>`
    SELECT e."userId", e."courseId", e."role"::text AS "role", c."role"::text AS "callerRole"
    FROM "course_enrollments" e
    LEFT JOIN "course_enrollments" c ON c."courseId" = e."courseId" AND c."userId" = ${callerId}
    WHERE e."userId" = ${userId} AND e."courseId" = ${courseId}`;
  return row ?? null;
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
      course: { select: selectOf(USER_COURSE_COLUMNS) },
    },
  });
  return rows.map(({ role, course }) => ({ ...course, role }));
}

/**
 * A second enrollment of the same user in the same course is a unique violation → 409.
 * `grantedBy`: the teacher whose right this enrollment uses (omit for admins and self-enrollment as
 * STUDENT). Their TEACHER row is read and share-locked in the same statement as the insert: a removal
 * committed before it means 403; one running concurrently waits for it (and then meets this row).
 */
export async function enroll(db: Db, userId: number, courseId: number, role: Role, grantedBy?: number): Promise<EnrollmentView> {
  if (grantedBy === undefined) {
    return db.courseEnrollment.create({ data: { userId, courseId, role }, select: enrollmentSelect });
  }
  const [created] = await db.$queryRaw<EnrollmentView[]>`
    WITH "granter" AS (
      SELECT 1 FROM "course_enrollments"
      WHERE "userId" = ${grantedBy} AND "courseId" = ${courseId} AND "role" = 'TEACHER'
      FOR SHARE
    )
    INSERT INTO "course_enrollments" ("userId", "courseId", "role")
    SELECT ${userId}, ${courseId}, ${role}::"UserRole" FROM "granter"
    RETURNING "userId", "courseId", "role"::text AS "role", "createdAt"`;
  if (!created) {
    throw new DomainError('forbidden', `Not allowed: you no longer teach course ${courseId}`);
  }
  return created;
}

export async function unenroll(db: Db, userId: number, courseId: number): Promise<void> {
  await db.courseEnrollment.delete({ where: { userId_courseId: { userId, courseId } }, select: { userId: true } });
}
