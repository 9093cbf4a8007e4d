// Applies committed migrations with the Prisma CLI (`prisma migrate deploy`), as production does.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const internals = {
  projectRoot: path.resolve(__dirname, '..', '..'),
  migrationsDir: path.resolve(__dirname, '..', '..', 'prisma', 'migrations'),
  prismaCli: require.resolve('prisma/build/index.js'),

  prisma(databaseUrl: string, ...args: string[]) {
    return promisify(execFile)(process.execPath, [internals.prismaCli, ...args], {
      cwd: internals.projectRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: '1' },
    });
  },

  committedMigrations(): string[] {
    return readdirSync(internals.migrationsDir).filter((name) => existsSync(path.join(internals.migrationsDir, name, 'migration.sql')));
  },

  /** Names of the migrations Prisma recorded as applied (none on a fresh database). */
  async appliedMigrations(databaseUrl: string): Promise<Set<string>> {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ migration_name: string }>(
        'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
      );
      return new Set(rows.map((row) => row.migration_name));
    } catch (err) {
      if ((err as { code?: string }).code === '42P01') {
        return new Set();
      }
      throw err;
    } finally {
      await client.end();
    }
  },
};

/**
 * Committed migrations not yet applied, read from Prisma's own table: a few milliseconds, where
 * `prisma migrate status` takes a second or more of every restart.
 */
async function pendingMigrations(databaseUrl: string): Promise<string[]> {
  const applied = await internals.appliedMigrations(databaseUrl);
  return internals.committedMigrations().filter((name) => !applied.has(name));
}

export async function migrateDeploy(databaseUrl: string): Promise<void> {
  // A restart usually has nothing to apply: answered without the CLI, and without taking the
  // migration lock that `migrate deploy` takes.
  if ((await pendingMigrations(databaseUrl)).length === 0) {
    return;
  }
  await internals.prisma(databaseUrl, 'migrate', 'deploy');
}
