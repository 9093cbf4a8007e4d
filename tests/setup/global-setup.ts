import { createTestDatabase, type TestDatabase } from './test-database';

declare global {
  // Shared with global-teardown.ts: Jest runs both in the same process.
  var testDatabase: TestDatabase | undefined;
}

export default async function globalSetup(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL || undefined;
  globalThis.testDatabase = await createTestDatabase(serverUrl);
  // Workers inherit this environment: every test talks to the run's own database.
  process.env.DATABASE_URL = globalThis.testDatabase.url;
  process.env.TEST_DATABASE_SERVER = serverUrl ? 'DATABASE_URL' : 'embedded';
  process.env.NODE_ENV = 'test';
}
