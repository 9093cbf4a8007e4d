// One throw-away database per `npm test` run: an embedded PostgreSQL by default, or a fresh
// database on the server named by DATABASE_URL (CI's service container, the machine's own
// PostgreSQL), so two runs never collide.
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded';
import { migrateDeploy } from '../../src/db/migrate';

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

const internals = {
  async admin(serverUrl: string, sql: string): Promise<void> {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  },

  async onServer(serverUrl: string): Promise<TestDatabase> {
    const name = `grading_test_${process.pid}_${Date.now()}`;
    await internals.admin(serverUrl, `CREATE DATABASE "${name}"`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      drop: () => internals.admin(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
    };
  },

  async embedded(): Promise<TestDatabase> {
    const dataDir = path.join(os.tmpdir(), `grading-test-pg-${process.pid}-${Date.now()}`);
    const database = await startEmbeddedPostgres({ dataDir, database: 'grading_test', persistent: false });
    return { url: database.url, drop: () => database.stop() };
  },
};

export async function createTestDatabase(serverUrl: string | undefined): Promise<TestDatabase> {
  const database = serverUrl ? await internals.onServer(serverUrl) : await internals.embedded();
  await migrateDeploy(database.url);
  return database;
}
