// Adds CHECK (result BETWEEN 0 AND 1000) to existing results: the grades at both ends of the range
// and one in the middle must survive it, and the database must refuse values outside it afterwards.
import type { MigrationHook } from './hook';
import { expectRefused } from './hook';

export const hook: MigrationHook = {
  async seed(db) {
    await db.query(`
      INSERT INTO users (id, email, "updatedAt") VALUES
        (9001, 'seed-teacher@example.com', now()), (9002, 'seed-student1@example.com', now()),
        (9003, 'seed-student2@example.com', now()), (9004, 'seed-student3@example.com', now());
      INSERT INTO courses (id, name, "courseDetails", "updatedAt") VALUES (9001, 'Seeded course', 'from before the range check', now());
      INSERT INTO course_enrollments ("userId", "courseId", role) VALUES
        (9001, 9001, 'TEACHER'), (9002, 9001, 'STUDENT'), (9003, 9001, 'STUDENT'), (9004, 9001, 'STUDENT');
      INSERT INTO tests (id, name, date, "courseId", "updatedAt") VALUES (9001, 'Seeded test', '2026-01-15T09:00:00Z', 9001, now());
      INSERT INTO test_results ("testId", "studentId", "graderId", result, "updatedAt") VALUES
        (9001, 9002, 9001, 0, now()), (9001, 9003, 9001, 875, now()), (9001, 9004, NULL, 1000, now());
      INSERT INTO course_feedback ("studentId", "courseId", feedback) VALUES (9002, 9001, 'Seeded feedback');
    `);
  },

  async check(db) {
    const { rows } = await db.query('SELECT "studentId", result FROM test_results WHERE "testId" = 9001 ORDER BY "studentId"');
    expect(rows).toEqual([
      { studentId: 9002, result: 0 },
      { studentId: 9003, result: 875 },
      { studentId: 9004, result: 1000 },
    ]);
    const { rows: constraints } = await db.query(
      "SELECT convalidated FROM pg_constraint WHERE conname = 'test_results_result_range' AND contype = 'c'",
    );
    expect(constraints).toEqual([{ convalidated: true }]);
    await expectRefused(db, 'UPDATE test_results SET result = 1001 WHERE "studentId" = 9004', '23514');
    await expectRefused(db, 'UPDATE test_results SET result = -1 WHERE "studentId" = 9002', '23514');
  },
};
