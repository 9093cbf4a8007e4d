// A throw-away database on an existing PostgreSQL server: Prisma's shadow database
// (prisma.config.ts), the test run's own database and the migration tests' scratch databases
// (tests/), the benchmark's database (bench/). Only `pg`: prisma.config.ts imports this module where
// devDependencies are pruned (Heroku's release phase), through the Prisma CLI's own TypeScript loader.
import { Client } from 'pg';

export interface ScratchDatabase {
  /** The database's name on the server (unique: prefix, process id, time, counter). */
  readonly name: string;
  /** The server URL with this database as its path. */
  readonly url: string;
  /** DROP DATABASE IF EXISTS … WITH (FORCE): open connections are closed; a second drop does nothing. */
  drop(): Promise<void>;
}

let created = 0;

/** Runs one statement on its own connection to `serverUrl` (CREATE/DROP DATABASE cannot run in a transaction). */
async function runOn(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database on the server of `serverUrl` (connecting to the database that URL names)
 * and returns its URL. `prefix` starts the name: lower-case letters, digits and underscores.
 */
export async function createScratchDatabase(serverUrl: string, prefix: string): Promise<ScratchDatabase> {
  if (!/^[a-z_][a-z0-9_]{0,29}$/.test(prefix)) {
    throw new Error(`scratch database prefix ${JSON.stringify(prefix)}: use 1-30 lower-case letters, digits and underscores`);
  }
  const name = `${prefix}_${process.pid}_${Date.now()}_${++created}`;
  await runOn(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => runOn(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
