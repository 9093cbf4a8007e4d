// Test results: one per student per test, recorded by a grader (the caller). Every change appends a
// history row through the trigger test_results_history, in the same transaction; the acting user
// reaches the trigger as the transaction setting app.user_id (actingAs).
import type { Prisma } from '@prisma/client';
import type { Db } from '../db/prisma';
import type { CallerRole } from './courses';
import { DomainError } from './errors';
import type { ListQuery } from './types';

const resultSelect = { id: true, result: true, studentId: true, graderId: true, testId: true, createdAt: true } as const;

export interface TestResultInput {
  readonly studentId: number;
  /** Per mille: 875 = 87.5 %. */
  readonly result: number;
}

/** What authorization needs about a result: its grader, the course of its test, the caller's role there. */
export interface TestResultRef {
  readonly id: number;
  readonly graderId: number | null;
  readonly courseId: number;
  readonly callerRole: CallerRole;
}

export async function findTestResultRef(db: Db, testResultId: number, callerId: number): Promise<TestResultRef | null> {
  // One statement: the result, its test's course and the caller's current enrollment there.
  const [row] = await db.$queryRaw<TestResultRef[]>`
    SELECT r."id", r."graderId", t."courseId", e."role"::text AS "callerRole"
    FROM "test_results" r
    JOIN "tests" t ON t."id" = r."testId"
    LEFT JOIN "course_enrollments" e ON e."courseId" = t."courseId" AND e."userId" = ${callerId}
    WHERE r."id" = ${testResultId}`;
  return row ?? null;
}

export function listTestResults(db: Db, testId: number, { take, skip }: ListQuery) {
  return db.testResult.findMany({ where: { testId }, select: resultSelect, orderBy: { id: 'asc' }, take, skip });
}

/** A student's results; `releasedOnly` (every caller but admins) leaves out tests not released yet. */
export function listUserResults(db: Db, studentId: number, { take, skip }: ListQuery, { releasedOnly }: { releasedOnly: boolean }) {
  return db.testResult.findMany({
    where: { studentId, ...(releasedOnly && { test: { released: true } }) },
    select: resultSelect,
    orderBy: { id: 'asc' },
    take,
    skip,
  });
}

/**
 * Records a result. The student must be enrolled as STUDENT in the test's course (else 400);
 * a second result for the same student and test is a unique violation (409: correct it with PUT).
 */
export async function createTestResult(db: Db, test: { id: number; courseId: number }, input: TestResultInput, graderId: number) {
  // ONE statement (the busiest write: it was six with the check, BEGIN, actingAs, INSERT and COMMIT):
  // a lone statement is its own transaction, so the transaction-local actor lives exactly as long as
  // this INSERT, and `FROM actor` makes Postgres set it before the row (and its trigger) is written.
  // Timestamps in UTC, as Prisma writes them. Same columns as resultSelect.
  const [created] = await db.$queryRaw<Array<Prisma.TestResultGetPayload<{ select: typeof resultSelect }>>>`
    WITH actor AS (SELECT set_config('app.user_id', ${String(graderId)}, true))
    INSERT INTO "test_results" ("result", "studentId", "testId", "graderId", "createdAt", "updatedAt")
    SELECT ${input.result}, e."userId", ${test.id}, ${graderId}, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
    FROM actor, "course_enrollments" e
    WHERE e."userId" = ${input.studentId} AND e."courseId" = ${test.courseId} AND e."role" = 'STUDENT'
    RETURNING "id", "result", "studentId", "graderId", "testId", "createdAt"`;
  if (!created) {
    throw new DomainError('invalid', `"studentId" ${input.studentId} is not a student of course ${test.courseId}`);
  }
  return created;
}

export async function updateTestResult(db: Db, testResultId: number, result: number, actorId: number) {
  const [, updated] = await db.$transaction([
    actingAs(db, actorId),
    db.testResult.update({ where: { id: testResultId }, data: { result }, select: resultSelect }),
  ]);
  return updated;
}

export async function deleteTestResult(db: Db, testResultId: number, actorId: number): Promise<void> {
  await db.$transaction([actingAs(db, actorId), db.testResult.delete({ where: { id: testResultId }, select: { id: true } })]);
}

/**
 * The first statement of a transaction that changes results: names the acting user for the history
 * trigger (transaction-local, so a pooled connection never carries it into another request).
 */
export function actingAs(db: Pick<Db, '$queryRaw'>, actorId: number): Prisma.PrismaPromise<unknown> {
  return db.$queryRaw`SELECT set_config('app.user_id', ${String(actorId)}, true)`;
}

const historySelect = {
  id: true,
  testId: true,
  testResultId: true,
  studentId: true,
  action: true,
  oldResult: true,
  newResult: true,
  changedBy: true,
  changedAt: true,
} as const;

/** The changes of a test's results by id, optionally of one student. */
export function listHistory(db: Db, testId: number, { take, skip, studentId }: ListQuery & { studentId?: number }) {
  return db.testResultHistory.findMany({
    where: { testId, ...(studentId !== undefined && { studentId }) },
    select: historySelect,
    orderBy: { id: 'asc' },
    take,
    skip,
  });
}
