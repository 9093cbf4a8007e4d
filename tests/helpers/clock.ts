// Time travel without sleeping: the wall clock (Date) moves, everything that drives I/O stays real.

/**
 * Runs `fn` with `Date` moved `ms` ahead, then puts the real clock back, also when `fn` throws.
 * Only Date is faked: timers, nextTick, queueMicrotask, hrtime and performance stay real, so
 * server.inject, pg and Prisma keep working inside `fn`.
 */
export async function withClockAhead<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  jest.useFakeTimers({
    now: Date.now() + ms,
    doNotFake: [
      'nextTick',
      'setImmediate',
      'setTimeout',
      'setInterval',
      'clearTimeout',
      'clearInterval',
      'clearImmediate',
      'queueMicrotask',
      'hrtime',
      'performance',
    ],
  });
  try {
    return await fn();
  } finally {
    jest.useRealTimers();
  }
}
