// Runs the real Prisma CLI on a chosen subset of the committed migrations: a scratch project holds
// prisma.config.ts, the schema and the migrations up to a point (plus, for the failure test, an
// extra one), with node_modules linked from the repository, so `prisma migrate deploy` and the
// Procfile's release command behave exactly as in the release phase.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createScratchDatabase, type ScratchDatabase as EmptyDatabase } from '../../src/db/scratch-database';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'prisma', 'migrations');

/** Committed migration folder names, oldest first (Prisma applies them in this order). */
export function migrationNames(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((name) => statSync(path.join(MIGRATIONS_DIR, name)).isDirectory())
    .sort();
}

export interface ScratchProject {
  readonly dir: string;
  /** Copies a committed migration into the project (migrations are added in order). */
  addMigration(name: string): void;
  /** Adds a migration that is not committed (name sorts after the committed ones). */
  addMigrationSql(name: string, sql: string): void;
  remove(): void;
}

export function scratchProject(): ScratchProject {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'grading-migrations-'));
  mkdirSync(path.join(dir, 'prisma', 'migrations'), { recursive: true });
  for (const file of ['prisma.config.ts', 'package.json', 'Procfile']) {
    cpSync(path.join(PROJECT_ROOT, file), path.join(dir, file));
  }
  cpSync(path.join(PROJECT_ROOT, 'prisma', 'schema.prisma'), path.join(dir, 'prisma', 'schema.prisma'));
  // prisma.config.ts imports ./src/db/scratch-database (the shadow database): the slug holds src/.
  cpSync(path.join(PROJECT_ROOT, 'src'), path.join(dir, 'src'), { recursive: true });
  cpSync(path.join(MIGRATIONS_DIR, 'migration_lock.toml'), path.join(dir, 'prisma', 'migrations', 'migration_lock.toml'));
  symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return {
    dir,
    addMigration: (name) => cpSync(path.join(MIGRATIONS_DIR, name), path.join(dir, 'prisma', 'migrations', name), { recursive: true }),
    addMigrationSql: (name, sql) => {
      mkdirSync(path.join(dir, 'prisma', 'migrations', name));
      writeFileSync(path.join(dir, 'prisma', 'migrations', name, 'migration.sql'), sql);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface CommandResult {
  readonly code: number;
  readonly output: string;
}

/** Runs a shell command in the scratch project with DATABASE_URL set; never throws on a non-zero exit. */
export function runInProject(project: ScratchProject, databaseUrl: string, command: string): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', command],
      { cwd: project.dir, env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: '1' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

/** The Procfile's `release:` command (what Heroku runs before new dynos start). */
export function releaseCommand(): string {
  const line = readFileSync(path.join(PROJECT_ROOT, 'Procfile'), 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('release:'));
  if (!line) {
    throw new Error('Procfile has no release: line');
  }
  return line.slice('release:'.length).trim();
}

/** A throw-away database (src/db/scratch-database.ts) with a way to connect to it. */
export interface ScratchDatabase extends EmptyDatabase {
  connect(): Promise<Client>;
}

/** An empty database next to the test run's own one (same server), with a unique name. */
export async function scratchDatabase(label: string): Promise<ScratchDatabase> {
  const database = await createScratchDatabase(process.env.DATABASE_URL as string, `grading_${label}`);
  return {
    ...database,
    async connect() {
      const client = new Client({ connectionString: database.url });
      await client.connect();
      return client;
    },
  };
}

/** Row counts of every application table (Prisma's bookkeeping table excluded). */
export async function rowCounts(db: Client): Promise<Record<string, number>> {
  const { rows: tables } = await db.query<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations' ORDER BY 1",
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM "${name}"`);
    counts[name] = Number(rows[0].n);
  }
  return counts;
}

/**
 * Everything a migration could change, as comparable text: tables and columns, constraints,
 * indexes, functions, triggers, enum values, and a digest of every table's rows.
 */
export async function snapshot(db: Client): Promise<Record<string, unknown>> {
  const query = async (sql: string) => (await db.query(sql)).rows;
  const tables = await query(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY 1",
  );
  const data: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await query(`SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM "${name}" t`);
    data[name] = row.digest;
  }
  return {
    columns: await query(
      "SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY 1, 2",
    ),
    constraints: await query(
      "SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def, convalidated FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2",
    ),
    indexes: await query("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"),
    functions: await query(
      "SELECT proname, pg_get_functiondef(oid) AS def FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY 1",
    ),
    triggers: await query('SELECT tgname, tgrelid::regclass::text AS tbl FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1'),
    enums: await query(
      "SELECT t.typname, e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typnamespace = 'public'::regnamespace ORDER BY 1, e.enumsortorder",
    ),
    data,
  };
}
