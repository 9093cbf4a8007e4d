// Migrations tested on data, through the real Prisma CLI: the database walks through the committed
// migrations one at a time; before each one its hook (tests/migrations/<name>.ts) seeds rows with
// the SQL of that moment, after it the hook checks them, and every step must keep the row counts of
// existing tables and leave every constraint validated. Then a deliberately failing migration run by
// the Procfile's release command must exit non-zero and leave schema and data as they were.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Client } from 'pg';
import {
  PROJECT_ROOT,
  migrationNames,
  releaseCommand,
  rowCounts,
  runInProject,
  scratchDatabase,
  scratchProject,
  snapshot,
  type ScratchDatabase,
  type ScratchProject,
} from './helpers/migrations';
import type { MigrationHook } from './migrations/hook';

const hookFile = (name: string) => path.join(__dirname, 'migrations', `${name}.ts`);

describe('migrations', () => {
  test('prisma migrate status is clean on the test database', () => {
    const output = execFileSync(process.execPath, [require.resolve('prisma/build/index.js'), 'migrate', 'status'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CHECKPOINT_DISABLE: '1' },
      encoding: 'utf8',
    });
    expect(output).toMatch(/Database schema is up to date/);
  });

  test('every migration has a data hook in tests/migrations/', () => {
    const missing = migrationNames().filter((name) => !existsSync(hookFile(name)));
    expect(missing).toEqual([]);
  });

  describe('on a database holding data', () => {
    let project: ScratchProject;
    let database: ScratchDatabase;
    let db: Client;

    beforeAll(async () => {
      project = scratchProject();
      database = await scratchDatabase('migration_data');
      db = await database.connect();
    });

    afterAll(async () => {
      await db?.end();
      await database?.drop();
      project?.remove();
    });

    test('each migration, applied on the rows seeded before it, keeps them and leaves every constraint valid', async () => {
      for (const name of migrationNames()) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { hook } = require(hookFile(name)) as { hook: MigrationHook };
        await hook.seed?.(db);
        const before = await rowCounts(db);

        project.addMigration(name);
        const deploy = await runInProject(project, database.url, 'node node_modules/prisma/build/index.js migrate deploy');
        expect({ name, code: deploy.code, output: deploy.code === 0 ? '' : deploy.output }).toEqual({ name, code: 0, output: '' });

        const after = await rowCounts(db);
        for (const [table, count] of Object.entries(before)) {
          if (!hook.rowCountsMayChange?.includes(table)) {
            expect({ name, table, count: after[table] }).toEqual({ name, table, count });
          }
        }
        const { rows: notValidated } = await db.query(
          "SELECT conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND NOT convalidated",
        );
        expect({ name, notValidated }).toEqual({ name, notValidated: [] });
        await hook.check(db);
      }
      // The walk ends where the committed schema is: nothing left for Prisma to apply.
      const status = await runInProject(project, database.url, 'node node_modules/prisma/build/index.js migrate status');
      expect(status.output).toMatch(/Database schema is up to date/);
    }, 180_000);

    test('a failing migration in the release phase exits non-zero and leaves schema and data as they were', async () => {
      const before = await snapshot(db);
      expect(Object.values(await rowCounts(db)).some((count) => count > 0)).toBe(true);

      // Each statement would change something that is there; the last one breaks the CHECK constraint.
      project.addMigrationSql(
        '99991231235959_deliberately_failing',
        [
          'CREATE TABLE "half_done" ("id" INTEGER PRIMARY KEY);',
          'ALTER TABLE "users" ADD COLUMN "nickname" TEXT NOT NULL DEFAULT \'x\';',
          'CREATE FUNCTION half_done_fn() RETURNS integer LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END; $$;',
          'DELETE FROM "course_feedback";',
          'UPDATE "test_results" SET "result" = "result" * 10;',
        ].join('\n'),
      );
      const release = await runInProject(project, database.url, releaseCommand());

      expect(release.code).not.toBe(0);
      expect(release.output).toMatch(/test_results_result_range/);
      expect(await snapshot(db)).toEqual(before);
      // Prisma records the failure: later deploys stop until someone resolves it (see docs/releases.md).
      const { rows } = await db.query(
        "SELECT finished_at FROM _prisma_migrations WHERE migration_name = '99991231235959_deliberately_failing'",
      );
      expect(rows).toEqual([{ finished_at: null }]);
    }, 60_000);
  });
});
