// The grading_workflow migration on a database that already holds data from before it: existing rows
// get the defaults, and the previous release (which knows none of the new columns) keeps working.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from 'pg';
import { scratchDatabase, type ScratchDatabase } from './helpers/migrations';
import { MIGRATED_SCALE } from './migrations/20261129030000_grading_workflow';

const migrationsDir = path.resolve(__dirname, '..', 'prisma', 'migrations');
const migrations = readdirSync(migrationsDir)
  .filter((name) => /^\d+_/.test(name))
  .sort();
const target = migrations.findIndex((name) => name.endsWith('_grading_workflow'));
const sqlOf = (name: string) => readFileSync(path.join(migrationsDir, name, 'migration.sql'), 'utf8');

describe('migration grading_workflow on existing data', () => {
  let database: ScratchDatabase;
  let db: Client;

  beforeAll(async () => {
    database = await scratchDatabase('migration');
    db = await database.connect();
    // The schema as it was before: every earlier migration, as plain SQL.
    for (const migration of migrations.slice(0, target)) {
      await db.query(sqlOf(migration));
    }
    // Data written by the previous release.
    await db.query(`
      INSERT INTO "users" ("id", "email", "updatedAt") VALUES (1, 'teacher@old.example', now()), (2, 'student@old.example', now());
      INSERT INTO "courses" ("id", "name", "courseDetails", "createdAt", "updatedAt") VALUES (1, 'Old course', 'Before the migration', '2026-01-01', now());
      INSERT INTO "course_enrollments" ("userId", "courseId", "role") VALUES (1, 1, 'TEACHER'), (2, 1, 'STUDENT');
      INSERT INTO "tests" ("id", "name", "date", "courseId", "createdAt", "updatedAt") VALUES (1, 'Old test', '2026-02-01', 1, '2026-01-10 08:00', now());
      INSERT INTO "test_results" ("id", "result", "testId", "studentId", "graderId", "updatedAt") VALUES (1, 750, 1, 2, 1, now());
      SELECT setval('users_id_seq', 10), setval('courses_id_seq', 10), setval('tests_id_seq', 10), setval('test_results_id_seq', 10);`);
    await db.query(sqlOf(migrations[target]));
  });

  afterAll(async () => {
    await db?.end();
    await database?.drop();
  });

  test('existing tests get weight 1, released, releasedAt = their creation', async () => {
    const { rows } = await db.query(`SELECT "weight", "released", "releasedAt" FROM "tests" WHERE "id" = 1`);
    expect(rows).toEqual([{ weight: 1, released: true, releasedAt: new Date('2026-01-10T08:00:00.000Z') }]);
  });

  test('existing courses get the default scale; existing results have no history (nothing changed)', async () => {
    const { rows } = await db.query(`SELECT "gradingScale" FROM "courses" WHERE "id" = 1`);
    expect(rows[0].gradingScale).toEqual(MIGRATED_SCALE);
    expect((await db.query('SELECT count(*)::int AS n FROM "test_result_history"')).rows[0].n).toBe(0);
  });

  test("the previous release's writes still work: defaults apply, history is recorded without an actor", async () => {
    // Exactly the columns the old Prisma client sends.
    await db.query(`INSERT INTO "courses" ("name", "courseDetails", "updatedAt") VALUES ('New', 'Old code', now())`);
    const test = await db.query(
      `INSERT INTO "tests" ("name", "date", "courseId", "updatedAt") VALUES ('Quiz', '2026-03-01', 1, now()) RETURNING *`,
    );
    expect(test.rows[0]).toMatchObject({ weight: 1, released: true, releasedAt: expect.any(Date) });
    const result = await db.query(
      `INSERT INTO "test_results" ("result", "testId", "studentId", "graderId", "updatedAt") VALUES (600, $1, 2, 1, now()) RETURNING "id"`,
      [test.rows[0].id],
    );
    await db.query(`UPDATE "test_results" SET "result" = 650, "updatedAt" = now() WHERE "id" = $1`, [result.rows[0].id]);
    await db.query(`UPDATE "test_results" SET "result" = 650, "updatedAt" = now() WHERE "id" = $1`, [result.rows[0].id]);
    const history = await db.query(
      `SELECT "action", "oldResult", "newResult", "changedBy" FROM "test_result_history" WHERE "testResultId" = $1 ORDER BY "id"`,
      [result.rows[0].id],
    );
    expect(history.rows).toEqual([
      { action: 'CREATE', oldResult: null, newResult: 600, changedBy: null },
      { action: 'UPDATE', oldResult: 600, newResult: 650, changedBy: null },
    ]);
    // Deleting a test with results (and their history) and a user still cascades.
    await db.query(`DELETE FROM "tests" WHERE "id" = $1`, [test.rows[0].id]);
    await db.query(`DELETE FROM "users" WHERE "id" = 1`);
    expect((await db.query('SELECT count(*)::int AS n FROM "test_result_history"')).rows[0].n).toBe(0);
    expect((await db.query('SELECT "graderId" FROM "test_results" WHERE "id" = 1')).rows).toEqual([{ graderId: null }]);
  });

  test('weights outside 0–1000 are refused by the database', async () => {
    await expect(db.query(`UPDATE "tests" SET "weight" = 1001 WHERE "id" = 1`)).rejects.toThrow(/tests_weight_range/);
  });
});
