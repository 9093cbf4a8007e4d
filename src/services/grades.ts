// Final grades: ONE definition, computed in the database, used by every route that shows one.
//
// For a student in a course, over the course's tests with weight > 0 that have a result for them:
// finalGrade = Σ(weight × result) / Σ(weight) in result units, rounded half up to one decimal (numeric
// arithmetic: 333.25 → 333.3, which binary floating point would round down), null without such a test.
// With missing = zero, a weighted past-dated test without a result counts as 0. The letter is the scale
// entry with the highest min ≤ finalGrade. Each route reads its grades in one statement, whatever the
// class size.
import { Prisma, type User } from '@prisma/client';
import type { Db } from '../db/prisma';
import { sqlJsonFields, USER_SUMMARY_COLUMNS, type UserSummaryColumn } from './columns';
import type { GradeLetter } from './courses';
import type { ListQuery } from './types';

/** Who a student is in a class list (the grade report, the gradebook). */
export type StudentSummary = Pick<User, UserSummaryColumn>;

/** A student (alias u) as json_build_object arguments, for those class lists. */
export const studentJsonFields = Prisma.raw(sqlJsonFields('u', USER_SUMMARY_COLUMNS));

export interface GradeOptions {
  /** What a student sees: only released tests count (teachers and admins see everything). */
  readonly releasedOnly: boolean;
  /** `?missing=zero`: weighted past-dated tests without a result count as 0. */
  readonly missingZero: boolean;
}

interface FinalGrade {
  readonly finalGrade: number | null;
  readonly letter: string | null;
  /** Weighted tests with a result. */
  readonly graded: number;
  /** Weighted past-dated tests without a result. */
  readonly missing: number;
}

export interface CourseGrades {
  readonly courseId: number;
  readonly gradingScale: GradeLetter[];
  readonly students: Array<StudentSummary & FinalGrade>;
}

export interface UserCourseGrade {
  readonly courseId: number;
  readonly courseName: string;
  readonly finalGrade: number | null;
  readonly letter: string | null;
}

/**
 * A one-row subquery (use as `CROSS JOIN LATERAL (…) g`) with "finalGrade" (numeric), "letter",
 * "graded" and "missing" of `studentId` in `courseId`, lettered with `scale` (a jsonb expression).
 * Timestamps are stored as UTC without a zone: "past" compares against now() in UTC.
 */
export function finalGradeSql(courseId: Prisma.Sql, studentId: Prisma.Sql, scale: Prisma.Sql, options: GradeOptions): Prisma.Sql {
  const past = Prisma.sql`t."date" < (now() AT TIME ZONE 'UTC')`;
  const released = options.releasedOnly ? Prisma.sql`AND t."released"` : Prisma.empty;
  const missingWeights = options.missingZero
    ? Prisma.sql`+ COALESCE(sum(t."weight") FILTER (WHERE r."result" IS NULL AND ${past}), 0)`
    : Prisma.empty;
  return Prisma.sql`
    SELECT f."finalGrade", f."graded", f."missing",
           (SELECT s->>'letter' FROM jsonb_array_elements(${scale}) s
            WHERE (s->>'min')::numeric <= f."finalGrade"
            ORDER BY (s->>'min')::numeric DESC LIMIT 1) AS "letter"
    FROM (SELECT CASE WHEN w."weights" > 0 THEN round(w."points" / w."weights", 1) END AS "finalGrade", w."graded", w."missing"
          FROM (SELECT COALESCE(sum(t."weight" * r."result"), 0)::numeric AS "points",
                       COALESCE(sum(t."weight") FILTER (WHERE r."result" IS NOT NULL), 0) ${missingWeights} AS "weights",
                       count(r."result")::int AS "graded",
                       (count(*) FILTER (WHERE r."result" IS NULL AND ${past}))::int AS "missing"
                FROM "tests" t
                LEFT JOIN "test_results" r ON r."testId" = t."id" AND r."studentId" = ${studentId}
                WHERE t."courseId" = ${courseId} AND t."weight" > 0 ${released}) w) f`;
}

/** GET /courses/{courseId}/grades: every STUDENT of the course by id, in one statement. */
export async function courseGrades(db: Db, courseId: number, options: GradeOptions): Promise<CourseGrades> {
  const grade = finalGradeSql(Prisma.sql`c."id"`, Prisma.sql`u."id"`, Prisma.sql`c."gradingScale"`, options);
  const [row] = await db.$queryRaw<CourseGrades[]>`
    SELECT c."id" AS "courseId", c."gradingScale",
           COALESCE((SELECT json_agg(json_build_object(${studentJsonFields}, 'finalGrade', g."finalGrade", 'letter', g."letter",
                                                       'graded', g."graded", 'missing', g."missing")
                                     ORDER BY u."id")
                     FROM "course_enrollments" e
                     JOIN "users" u ON u."id" = e."userId"
                     CROSS JOIN LATERAL (${grade}) g
                     WHERE e."courseId" = c."id" AND e."role" = 'STUDENT'), '[]'::json) AS "students"
    FROM "courses" c
    WHERE c."id" = ${courseId}`;
  return row;
}

/** GET /users/{userId}/grades: the user's courses as STUDENT by id, from released results only. */
export function userGrades(db: Db, userId: number, { take, skip }: ListQuery): Promise<UserCourseGrade[]> {
  const grade = finalGradeSql(Prisma.sql`c."id"`, Prisma.sql`e."userId"`, Prisma.sql`c."gradingScale"`, {
    releasedOnly: true,
    missingZero: false,
  });
  return db.$queryRaw<UserCourseGrade[]>`
    SELECT c."id" AS "courseId", c."name" AS "courseName", g."finalGrade"::float8 AS "finalGrade", g."letter"
    FROM "course_enrollments" e
    JOIN "courses" c ON c."id" = e."courseId"
    CROSS JOIN LATERAL (${grade}) g
    WHERE e."userId" = ${userId} AND e."role" = 'STUDENT'
    ORDER BY c."id"
    LIMIT ${take} OFFSET ${skip}`;
}
