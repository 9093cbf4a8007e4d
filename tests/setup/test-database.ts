// One throw-away database per `npm test` run: an embedded PostgreSQL by default, or a fresh
// database on the server named by DATABASE_URL (CI's service container, the machine's own
// PostgreSQL), so two runs never collide.
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/db/embedded';
import { migrateDeploy } from '../../src/db/migrate';
import { createScratchDatabase } from '../../src/db/scratch-database';

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

const internals = {
  onServer(serverUrl: string): Promise<TestDatabase> {
    return createScratchDatabase(serverUrl, 'grading_test');
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
