// Per-test statistics and the per-course gradebook, computed with a fixed number of SQL statements
// whatever the class size.
import type { Db } from '../db/prisma';
import { testSelect } from './tests';

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
  readonly tests: Array<{ id: number; name: string; date: Date; courseId: number; updatedAt: Date }>;
  readonly students: Array<{
    id: number;
    email: string;
    firstName: string | null;
    lastName: string | null;
    /** testId → result; tests without a result for this student are absent. */
    results: Record<string, number>;
    /** Mean of the student's results, one decimal; null without results. */
    average: number | null;
  }>;
}

/** Three statements: the course's tests, its STUDENTs, and their results in this course. */
export async function gradebook(db: Db, courseId: number): Promise<Gradebook> {
  const [tests, students] = await Promise.all([
    db.test.findMany({ where: { courseId }, select: testSelect, orderBy: [{ date: 'asc' }, { id: 'asc' }] }),
    db.user.findMany({
      where: { courses: { some: { courseId, role: 'STUDENT' } } },
      orderBy: { id: 'asc' },
      select: {
        id: true,
        email: true,
        firstName: true,
        lastName: true,
        results: { where: { test: { courseId } }, select: { testId: true, result: true } },
      },
    }),
  ]);
  return {
    tests,
    students: students.map(({ results, ...student }) => {
      const total = results.reduce((sum, r) => sum + r.result, 0);
      return {
        ...student,
        results: Object.fromEntries(results.map((r) => [String(r.testId), r.result])),
        average: results.length ? Math.round((total / results.length) * 10) / 10 : null,
      };
    }),
  };
}
