// Tests of a course: queries. Authorization (teacher of the test's course) is the route's policy.
import type { Db } from '../db/prisma';
import { notFound } from './errors';

export const testSelect = {
  id: true,
  name: true,
  date: true,
  weight: true,
  released: true,
  releasedAt: true,
  courseId: true,
  updatedAt: true,
} as const;

export interface TestInput {
  readonly name: string;
  readonly date: Date;
  /** Relative weight in the final grade, 0–1000 (default 1). */
  readonly weight?: number;
  /** Students see results only of released tests (default true). releasedAt is kept by a database trigger. */
  readonly released?: boolean;
}

/** What authorization needs about a test: that it exists and which course it belongs to. */
export interface TestRef {
  readonly id: number;
  readonly courseId: number;
}

export function findTestRef(db: Db, testId: number): Promise<TestRef | null> {
  return db.test.findUnique({ where: { id: testId }, select: { id: true, courseId: true } });
}

export async function getTest(db: Db, testId: number) {
  const test = await db.test.findUnique({ where: { id: testId }, select: testSelect });
  if (!test) {
    throw notFound('Test');
  }
  return test;
}

export function createTest(db: Db, courseId: number, input: TestInput) {
  return db.test.create({ data: { ...input, courseId }, select: testSelect });
}

export function updateTest(db: Db, testId: number, input: Partial<TestInput>) {
  return db.test.update({ where: { id: testId }, data: input, select: testSelect });
}

/** Its results go too (onDelete: Cascade). */
export async function deleteTest(db: Db, testId: number): Promise<void> {
  await db.test.delete({ where: { id: testId }, select: { id: true } });
}
