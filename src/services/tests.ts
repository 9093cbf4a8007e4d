// Tests of a course: queries. Authorization (teacher of the test's course) is the route's policy.
import { Prisma } from '@prisma/client';
import type { Db } from '../db/prisma';
import { selectOf, sqlJsonFields, TEST_COLUMNS } from './columns';
import type { CallerRole } from './courses';
import { DomainError, notFound } from './errors';

/** A course holds at most this many tests: every course response nests them all. */
export const MAX_TESTS_PER_COURSE = 200;

export const testSelect = selectOf(TEST_COLUMNS);

export type TestView = Prisma.TestGetPayload<{ select: typeof testSelect }>;

/** A test as json_build_object returns it: timestamp(3) columns become ISO text without a zone (they hold UTC). */
export type JsonTest = {
  readonly [K in keyof TestView]: TestView[K] extends Date ? string : TestView[K] extends Date | null ? string | null : TestView[K];
};

/** A test row (alias t) as json_build_object, for the statements that nest a course's tests (fromJsonTest reads it). */
export const jsonTestSql = Prisma.raw(`json_build_object(${sqlJsonFields('t', TEST_COLUMNS)})`);

const utc = (text: string): Date => new Date(`${text}Z`);

/** JsonTest → TestView. A new timestamp column fails to compile here until it is converted too. */
export function fromJsonTest(test: JsonTest): TestView {
  return {
    ...test,
    date: utc(test.date),
    releasedAt: test.releasedAt === null ? null : utc(test.releasedAt),
    updatedAt: utc(test.updatedAt),
  };
}

export interface TestInput {
  readonly name: string;
  readonly date: Date;
  /** Relative weight in the final grade, 0–1000 (default 1). */
  readonly weight?: number;
  /** Students see results only of released tests (default true). releasedAt is kept by a database trigger. */
  readonly released?: boolean;
}

/** What authorization needs about a test: that it exists, its course, and the caller's role there. */
export interface TestRef {
  readonly id: number;
  readonly courseId: number;
  readonly callerRole: CallerRole;
}

export async function findTestRef(db: Db, testId: number, callerId: number): Promise<TestRef | null> {
  // One statement: the test and the caller's current enrollment in its course.
  const [row] = await db.$queryRaw<TestRef[]>`
    SELECT t."id", t."courseId", e."role"::text AS "callerRole"
    FROM "tests" t
    LEFT JOIN "course_enrollments" e ON e."courseId" = t."courseId" AND e."userId" = ${callerId}
    WHERE t."id" = ${testId}`;
  return row ?? null;
}

export async function getTest(db: Db, testId: number) {
  const test = await db.test.findUnique({ where: { id: testId }, select: testSelect });
  if (!test) {
    throw notFound('Test');
  }
  return test;
}

/** 409 once the course holds MAX_TESTS_PER_COURSE tests, also under concurrent creates. */
export function createTest(db: Db, courseId: number, input: TestInput) {
  return db.$transaction(async (tx) => {
    // Creates in one course take turns on its row, so each count below sees every committed test.
    await tx.$queryRaw`SELECT 1 FROM "courses" WHERE "id" = ${courseId} FOR NO KEY UPDATE`;
    if ((await tx.test.count({ where: { courseId } })) >= MAX_TESTS_PER_COURSE) {
      throw new DomainError('conflict', `A course holds at most ${MAX_TESTS_PER_COURSE} tests`);
    }
    return tx.test.create({ data: { ...input, courseId }, select: testSelect });
  });
}

/** A test going from unreleased to released, and the students who have a result on it. */
export interface Release {
  readonly testId: number;
  readonly testName: string;
  readonly courseName: string;
  readonly emails: readonly string[];
}

/** Tells the students of a release (src/auth/email.ts). Returns at once: sending happens afterwards. */
export interface ReleaseNotifier {
  resultsReleased(release: Release): void;
}

/**
 * Updates a test. When it turns `released` from false to true, every student with a result on it is
 * notified once, after the commit: the transaction locks the row and reads the previous value, so of
 * two concurrent releases only one sees the change. A notification never fails or undoes the update.
 */
export async function updateTest(db: Db, testId: number, input: Partial<TestInput>, notifier: ReleaseNotifier) {
  if (input.released !== true) {
    return db.test.update({ where: { id: testId }, data: input, select: testSelect });
  }
  const { test, release } = await db.$transaction(async (tx) => {
    const [before] = await tx.$queryRaw<Array<{ released: boolean }>>`
      SELECT "released" FROM "tests" WHERE "id" = ${testId} FOR NO KEY UPDATE`;
    if (!before) {
      throw notFound('Test');
    }
    const updated = await tx.test.update({
      where: { id: testId },
      data: input,
      select: { ...testSelect, course: { select: { name: true } } },
    });
    if (before.released) {
      return { test: updated, release: undefined };
    }
    const students = await tx.$queryRaw<Array<{ email: string }>>`
      SELECT u."email" FROM "test_results" r JOIN "users" u ON u."id" = r."studentId"
      WHERE r."testId" = ${testId} ORDER BY u."id"`;
    return {
      test: updated,
      release: { testId, testName: updated.name, courseName: updated.course.name, emails: students.map((s) => s.email) },
    };
  });
  if (release && release.emails.length) {
    notifier.resultsReleased(release);
  }
  const { course: _course, ...view } = test;
  return view;
}

/** Its results go too (onDelete: Cascade). */
export async function deleteTest(db: Db, testId: number): Promise<void> {
  await db.test.delete({ where: { id: testId }, select: { id: true } });
}
