/**
 * A start-up failure the user can fix (busy port, unreachable database, a data directory in use...).
 * Its message is the whole report: one line naming the setting and the fix; entry points print it
 * without a stack trace and exit non-zero.
 */
export class StartupError extends Error {
  override name = 'StartupError';
}
