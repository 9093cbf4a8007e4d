// Test results: one per student per test, recorded by a grader (the caller).
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

export function listUserResults(db: Db, studentId: number, { take, skip }: ListQuery) {
  return db.testResult.findMany({ where: { studentId }, select: resultSelect, orderBy: { id: 'asc' }, take, skip });
}

/**
 * Records a result. The student must be enrolled as STUDENT in the test's course (else 400);
 * a second result for the same student and test is a unique violation (409: correct it with PUT).
 */
export async function createTestResult(db: Db, test: { id: number; courseId: number }, input: TestResultInput, graderId: number) {
  const enrollment = await db.courseEnrollment.findUnique({
    where: { userId_courseId: { userId: input.studentId, courseId: test.courseId } },
    select: { role: true },
  });
  if (enrollment?.role !== 'STUDENT') {
    throw new DomainError('invalid', `"studentId" ${input.studentId} is not a student of course ${test.courseId}`);
  }
  return db.testResult.create({
    data: { result: input.result, studentId: input.studentId, testId: test.id, graderId },
    select: resultSelect,
  });
}

export function updateTestResult(db: Db, testResultId: number, result: number) {
  return db.testResult.update({ where: { id: testResultId }, data: { result }, select: resultSelect });
}

export async function deleteTestResult(db: Db, testResultId: number): Promise<void> {
  await db.testResult.delete({ where: { id: testResultId }, select: { id: true } });
}
