// Triggers only (expand-only): existing rows are untouched; a committed change that can make cached
// credentials stale notifies "credentials_changed" with what changed; a rolled-back one, an EMAIL
// token and unrelated columns notify nothing. tests/auth-cache.test.ts and
// tests/instances/two-instances.test.ts cover the application side.
import type { MigrationHook } from './hook';

export const hook: MigrationHook = {
  async seed(db) {
    await db.query(`INSERT INTO users (id, email, "updatedAt") VALUES (9201, 'seed-notify@example.com', now())`);
    await db.query(
      `INSERT INTO tokens (id, type, expiration, "updatedAt", "userId") VALUES
         (9201, 'API', now() + interval '1 hour', now(), 9201),
         (9202, 'EMAIL', now() + interval '10 minutes', now(), 9201)`,
    );
  },

  async check(db) {
    const { rows } = await db.query('SELECT id, valid FROM tokens WHERE "userId" = 9201 ORDER BY id');
    expect(rows).toEqual([
      { id: 9201, valid: true },
      { id: 9202, valid: true },
    ]);

    const received: string[] = [];
    const collect = (message: { channel: string; payload?: string }) => received.push(`${message.channel} ${message.payload}`);
    db.on('notification', collect);
    await db.query('LISTEN credentials_changed');
    const notified = async (sql: string, commit = true) => {
      received.length = 0;
      await db.query('BEGIN');
      await db.query(sql);
      await db.query(commit ? 'COMMIT' : 'ROLLBACK');
      await db.query('SELECT 1'); // notifications of the commit arrive before this answer
      return [...received];
    };
    try {
      expect(await notified(`UPDATE tokens SET valid = false WHERE id = 9201`, false)).toEqual([]);
      expect(await notified(`UPDATE tokens SET valid = false WHERE id = 9202`)).toEqual([]);
      expect(await notified(`UPDATE tokens SET "failedAttempts" = 1 WHERE id = 9201`)).toEqual([]);
      expect(await notified(`UPDATE users SET "firstName" = 'Ada' WHERE id = 9201`)).toEqual([]);
      expect(await notified(`UPDATE users SET "isAdmin" = true WHERE id = 9201`)).toEqual(['credentials_changed {"user" : 9201}']);
      expect(await notified(`UPDATE tokens SET valid = false WHERE id = 9201`)).toEqual([
        'credentials_changed {"token" : 9201, "user" : 9201}',
      ]);
    } finally {
      await db.query('UNLISTEN credentials_changed');
      db.off('notification', collect);
    }
  },
};
