import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';

describe('migrations', () => {
  const databaseUrl = process.env.DATABASE_URL as string;

  test('prisma migrate status is clean on the test database', () => {
    const output = execFileSync(process.execPath, [require.resolve('prisma/build/index.js'), 'migrate', 'status'], {
      cwd: path.resolve(__dirname, '..'),
      env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: '1' },
      encoding: 'utf8',
    });
    expect(output).toMatch(/Database schema is up to date/);
  });

  test('every table of the domain exists, with the grade range enforced by the database', async () => {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
      );
      expect(rows.map((row) => row.table_name)).toEqual(
        expect.arrayContaining(['users', 'tokens', 'courses', 'course_enrollments', 'tests', 'test_results', 'course_feedback']),
      );
      const { rows: checks } = await client.query(
        "SELECT conname FROM pg_constraint WHERE conname = 'test_results_result_range' AND contype = 'c'",
      );
      expect(checks).toHaveLength(1);
    } finally {
      await client.end();
    }
  });
});
