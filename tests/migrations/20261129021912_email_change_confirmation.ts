// A new table for pending email changes (additive): existing users are untouched, a pending change
// gets its defaults, at most one per user, and it goes with its user.
import type { MigrationHook } from './hook';
import { expectRefused } from './hook';

export const hook: MigrationHook = {
  async seed(db) {
    await db.query(`INSERT INTO users (id, email, "updatedAt") VALUES (9101, 'seed-email-change@example.com', now())`);
  },

  async check(db) {
    const { rows: users } = await db.query('SELECT email FROM users WHERE id = 9101');
    expect(users).toEqual([{ email: 'seed-email-change@example.com' }]);
    await db.query(
      `INSERT INTO email_changes ("userId", "newEmail", "tokenHash", expiration) VALUES (9101, 'new@example.com', 'hash', now() + interval '10 minutes')`,
    );
    const { rows: changes } = await db.query(
      'SELECT "failedAttempts", valid, "createdAt" IS NOT NULL AS stamped FROM email_changes WHERE "userId" = 9101',
    );
    expect(changes).toEqual([{ failedAttempts: 0, valid: true, stamped: true }]);
    await expectRefused(
      db,
      `INSERT INTO email_changes ("userId", "newEmail", "tokenHash", expiration) VALUES (9101, 'other@example.com', 'h', now())`,
      '23505',
    );
    await db.query('DELETE FROM users WHERE id = 9101');
    const { rows: left } = await db.query('SELECT count(*)::int AS n FROM email_changes WHERE "userId" = 9101');
    expect(left).toEqual([{ n: 0 }]);
  },
  // check() adds a user's pending change and deletes the user (cascade), on purpose.
  rowCountsMayChange: ['users'],
};
