// The grading workflow (expand-only) on the rows seeded by the earlier hooks: existing tests get
// weight 1 and count as released since their creation, existing courses the default scale, existing
// results no history; a write as the previous release makes it (no new columns) still works and is
// recorded without an actor. tests/migration-grading-workflow.test.ts covers the same migration in depth.
import type { MigrationHook } from './hook';
import { expectRefused } from './hook';

/** The column default this migration wrote, frozen with it: a later default is a later migration's test. */
export const MIGRATED_SCALE = Object.entries({ A: 900, B: 800, C: 700, D: 600, F: 0 }).map(([letter, min]) => ({ letter, min }));

export const hook: MigrationHook = {
  async check(db) {
    const { rows: tests } = await db.query(
      'SELECT weight, released, "releasedAt" = "createdAt" AS "releasedAtCreation" FROM tests WHERE id = 9001',
    );
    expect(tests).toEqual([{ weight: 1, released: true, releasedAtCreation: true }]);
    const { rows: courses } = await db.query('SELECT "gradingScale" FROM courses WHERE id = 9001');
    expect(courses[0].gradingScale).toEqual(MIGRATED_SCALE);
    const { rows: history } = await db.query('SELECT count(*)::int AS n FROM test_result_history');
    expect(history).toEqual([{ n: 0 }]);

    await db.query('BEGIN');
    try {
      await db.query(`UPDATE test_results SET result = 880, "updatedAt" = now() WHERE "testId" = 9001 AND "studentId" = 9003`);
      const { rows } = await db.query('SELECT action, "oldResult", "newResult", "changedBy" FROM test_result_history');
      expect(rows).toEqual([{ action: 'UPDATE', oldResult: 875, newResult: 880, changedBy: null }]);
    } finally {
      await db.query('ROLLBACK');
    }
    await expectRefused(db, 'UPDATE tests SET weight = 1001 WHERE id = 9001', '23514');
  },
};
