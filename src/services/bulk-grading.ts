// Bulk grading: a whole class's results for one test in one request, all or nothing.
//
// Concurrency: the transaction first locks the test's row (FOR NO KEY UPDATE: two bulk requests on
// one test run one after the other, while single-result writes, whose foreign-key checks only take
// KEY SHARE, are not blocked and cannot deadlock with it). Every row is then one INSERT … ON CONFLICT
// upsert, so a result recorded meanwhile by POST is updated, never duplicated. The history rows come
// from the trigger on test_results, in the same transaction, with the caller as changedBy.
import { Prisma } from '@prisma/client';
import type { Db } from '../db/prisma';
import { DomainError, notFound, type RowProblem } from './errors';
import { actingAs } from './test-results';

/** A data row as the request gave it (already syntax-checked), or the problem that row has. */
export type BulkRow =
  | { readonly row: number; readonly studentId: number; readonly result: number }
  | { readonly row: number; readonly email: string; readonly result: number }
  | { readonly row: number; readonly problem: string };

export interface BulkCounts {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
}

type Tx = Prisma.TransactionClient;
type Write = { studentId: number; result: number };

const internals = {
  /** A bulk request of 1000 rows is a handful of statements; the lock may wait for another request. */
  transaction: { timeout: 60_000, maxWait: 10_000 },

  keyOf: (row: BulkRow): string | undefined => ('studentId' in row ? String(row.studentId) : 'email' in row ? row.email : undefined),

  /** Row number → the enrolled STUDENT its key names, or null (unknown user, teacher, outsider). One statement. */
  async studentsOf(tx: Tx, rows: readonly BulkRow[], courseId: number): Promise<Map<number, number | null>> {
    // Emails are stored trimmed and lower-cased (services/auth.ts normalizeEmail); rows arrive normalized.
    const userKey = rows.some((row) => 'email' in row) ? Prisma.sql`u."email" = x."key"` : Prisma.sql`u."id" = x."key"::int`;
    const keys = rows.flatMap((row) => {
      const key = internals.keyOf(row);
      return key === undefined ? [] : [{ row: row.row, key }];
    });
    const resolved = await tx.$queryRaw<Array<{ row: number; studentId: number | null }>>`
      SELECT x."row", e."userId" AS "studentId"
      FROM jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) AS x("row" int, "key" text)
      LEFT JOIN "users" u ON ${userKey}
      LEFT JOIN "course_enrollments" e ON e."userId" = u."id" AND e."courseId" = ${courseId} AND e."role" = 'STUDENT'`;
    return new Map(resolved.map((r) => [r.row, r.studentId]));
  },

  /** The writes, or DomainError('invalid') listing every bad row once with its first problem. */
  writesOf(rows: readonly BulkRow[], studentOf: Map<number, number | null>, courseId: number): Write[] {
    const problems: RowProblem[] = [];
    const seen = new Map<number, number>();
    const writes: Write[] = [];
    for (const row of rows) {
      if ('problem' in row) {
        problems.push({ row: row.row, message: row.problem });
        continue;
      }
      const studentId = studentOf.get(row.row);
      if (studentId === null || studentId === undefined) {
        const who = 'email' in row ? `"email" ${row.email}` : `"studentId" ${row.studentId}`;
        problems.push({ row: row.row, message: `${who} is not a student of course ${courseId}` });
        continue;
      }
      const first = seen.get(studentId);
      if (first !== undefined) {
        problems.push({ row: row.row, message: `the same student as row ${first}` });
        continue;
      }
      seen.set(studentId, row.row);
      writes.push({ studentId, result: row.result });
    }
    if (problems.length) {
      const listed = problems
        .slice(0, 3)
        .map((p) => `row ${p.row}: ${p.message}`)
        .join('; ');
      const more = problems.length > 3 ? '; …' : '';
      throw new DomainError('invalid', `${problems.length} bad row(s), nothing was written (${listed}${more})`, { rows: problems });
    }
    return writes;
  },

  /**
   * One upsert for every row. A row whose value is unchanged matches the conflict but not the
   * WHERE: it is neither written nor returned. xmax = 0 tells an inserted row from an updated one.
   */
  async upsert(tx: Tx, testId: number, actorId: number, writes: readonly Write[]): Promise<BulkCounts> {
    const written = await tx.$queryRaw<Array<{ created: boolean }>>`
      INSERT INTO "test_results" ("testId", "studentId", "result", "graderId", "updatedAt")
      SELECT ${testId}, x."studentId", x."result", ${actorId}, now() AT TIME ZONE 'UTC'
      FROM jsonb_to_recordset(${JSON.stringify(writes)}::jsonb) AS x("studentId" int, "result" int)
      ON CONFLICT ("testId", "studentId") DO UPDATE
        SET "result" = EXCLUDED."result", "graderId" = EXCLUDED."graderId", "updatedAt" = EXCLUDED."updatedAt"
        WHERE "test_results"."result" IS DISTINCT FROM EXCLUDED."result"
      RETURNING (xmax = 0) AS "created"`;
    const created = written.filter((row) => row.created).length;
    return { created, updated: written.length - created, unchanged: writes.length - written.length };
  },
};

/**
 * Creates, updates (the caller becomes the grader) or leaves each student's result of `testId`.
 * Any bad row → DomainError('invalid') with `rows: [{row, message}]` (every bad row once, its first
 * problem) and nothing written.
 */
export async function applyBulkGrades(db: Db, testId: number, rows: readonly BulkRow[], actorId: number): Promise<BulkCounts> {
  return db.$transaction(async (tx) => {
    await actingAs(tx, actorId);
    const [test] = await tx.$queryRaw<Array<{ courseId: number }>>`
      SELECT "courseId" FROM "tests" WHERE "id" = ${testId} FOR NO KEY UPDATE`;
    if (!test) {
      throw notFound('Test'); // deleted since the route loaded it
    }
    const studentOf = await internals.studentsOf(tx, rows, test.courseId);
    const writes = internals.writesOf(rows, studentOf, test.courseId);
    return internals.upsert(tx, testId, actorId, writes);
  }, internals.transaction);
}
