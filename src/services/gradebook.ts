// Per-test statistics and the per-course gradebook, computed with a fixed number of SQL statements
// whatever the class size.
import { Prisma } from '@prisma/client';
import type { Db } from '../db/prisma';
import { finalGradeSql, studentJsonFields, type StudentSummary } from './grades';
import { fromJsonTest, jsonTestSql, type JsonTest, type TestView } from './tests';

export interface TestStats {
  readonly testId: number;
  readonly count: number;
  /** In result units (per mille), rounded to one decimal; null when there are no results. */
  readonly average: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly median: number | null;
}

/** One statement: the aggregates, the median by percentile_cont(0.5). */
export async function testStats(db: Db, testId: number): Promise<TestStats> {
  const [row] = await db.$queryRaw<Array<Omit<TestStats, 'testId'>>>`
    SELECT count(*)::int                                              AS "count",
           round(avg("result"), 1)::float8                            AS "average",
           min("result")                                              AS "min",
           max("result")                                              AS "max",
           (percentile_cont(0.5) WITHIN GROUP (ORDER BY "result"))::float8 AS "median"
    FROM "test_results"
    WHERE "testId" = ${testId}`;
  return { testId, count: row.count, average: row.average, min: row.min, max: row.max, median: row.median };
}

export interface Gradebook {
  readonly tests: TestView[];
  readonly students: Array<
    StudentSummary & {
      /** testId → result; tests without a result for this student are absent. */
      results: Record<string, number>;
      /** Mean of the student's results, one decimal; null without results. */
      average: number | null;
      /** The final grade (src/services/grades.ts) over every test, released or not, and its letter. */
      finalGrade: number | null;
      letter: string | null;
    }
  >;
}

/**
 * ONE statement whatever the class size: the course's tests and its STUDENTs, each with their
 * results in this course as `{testId: result}` (one pass over the course's results, grouped by
 * student, through the tests(courseId) and test_results(testId, studentId) indexes).
 */
export async function gradebook(db: Db, courseId: number): Promise<Gradebook> {
  const grade = finalGradeSql(
    Prisma.sql`${courseId}::int`,
    Prisma.sql`u."id"`,
    Prisma.sql`(SELECT "gradingScale" FROM "courses" WHERE "id" = ${courseId})`,
    { releasedOnly: false, missingZero: false },
  );
  const [row] = await db.$queryRaw<Array<{ tests: JsonTest[]; students: Array<Omit<Gradebook['students'][number], 'average'>> }>>`
    SELECT
      COALESCE((SELECT json_agg(${jsonTestSql} ORDER BY t."date", t."id")
                FROM "tests" t WHERE t."courseId" = ${courseId}), '[]'::json) AS "tests",
      COALESCE((SELECT json_agg(json_build_object(${studentJsonFields}, 'results', COALESCE(r."results", '{}'::json),
                                                  'finalGrade', g."finalGrade", 'letter', g."letter")
                                ORDER BY u."id")
                FROM "course_enrollments" e
                JOIN "users" u ON u."id" = e."userId"
                LEFT JOIN (SELECT tr."studentId", json_object_agg(tr."testId", tr."result") AS "results"
                           FROM "test_results" tr JOIN "tests" t ON t."id" = tr."testId"
                           WHERE t."courseId" = ${courseId}
                           GROUP BY tr."studentId") r ON r."studentId" = u."id"
                CROSS JOIN LATERAL (${grade}) g
                WHERE e."courseId" = ${courseId} AND e."role" = 'STUDENT'), '[]'::json) AS "students"`;
  return {
    tests: row.tests.map(fromJsonTest),
    students: row.students.map((student) => {
      const results = Object.values(student.results);
      const total = results.reduce((sum, result) => sum + result, 0);
      return { ...student, average: results.length ? Math.round((total / results.length) * 10) / 10 : null };
    }),
  };
}
