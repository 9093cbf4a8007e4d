// The first migration runs on an empty database: nothing to seed, the domain's tables must exist.
import type { MigrationHook } from './hook';

export const hook: MigrationHook = {
  async check(db) {
    const { rows } = await db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(rows.map((row) => row.table_name)).toEqual(
      expect.arrayContaining(['users', 'tokens', 'courses', 'course_enrollments', 'tests', 'test_results', 'course_feedback']),
    );
  },
};
