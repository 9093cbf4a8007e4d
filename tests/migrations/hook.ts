// The per-migration data check used by tests/migrations.test.ts. Every folder in
// prisma/migrations/ has a file here with the same name exporting `hook: MigrationHook`.
import type { Client } from 'pg';

export interface MigrationHook {
  /**
   * Runs on a database migrated up to just before this migration, which still holds the rows the
   * earlier hooks seeded. Insert rows with SQL that is valid at that point (not the Prisma client:
   * it knows only the newest schema).
   */
  seed?(db: Client): Promise<void>;
  /** Runs right after this migration: assert that the rows came through (defaults, constraints, moves). */
  check(db: Client): Promise<void>;
  /** Tables whose row count this migration may change on purpose (by default none may). */
  readonly rowCountsMayChange?: readonly string[];
}

/** Asserts that `sql` is refused by the database with the given SQLSTATE, without leaving a trace. */
export async function expectRefused(db: Client, sql: string, sqlState: string): Promise<void> {
  await db.query('BEGIN');
  try {
    await expect(db.query(sql)).rejects.toMatchObject({ code: sqlState });
  } finally {
    await db.query('ROLLBACK');
  }
}
