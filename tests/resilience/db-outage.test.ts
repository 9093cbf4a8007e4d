// Database outage against a real PostgreSQL that this test stops and starts (the server under test
// runs in a child process, tests/resilience/outage-server.ts): while the database is down requests
// get a quick 503 (bounded waits, nothing hangs) and /ready says 503; once it is back, the same
// process recovers by itself. Prints the measured times.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import readline from 'node:readline';
import { projectRoot, request, type HttpResult } from './process';

interface Sample extends HttpResult {
  readonly at: number;
  readonly path: string;
}

const internals = {
  // The child's bounded waits (DB_CONNECT_TIMEOUT_MS, DB_STATEMENT_TIMEOUT_MS): an outage answers within them.
  env: { DB_CONNECT_TIMEOUT_MS: '1000', DB_STATEMENT_TIMEOUT_MS: '2000', DB_POOL_SIZE: '5' },
  quickMs: 3000,
};

describe('database outage and recovery', () => {
  let child: ChildProcessWithoutNullStreams;
  let events: AsyncIterator<string>;
  let stderr = '';

  const next = async (event: string): Promise<Record<string, unknown>> => {
    for (;;) {
      const { value, done } = await events.next();
      if (done) {
        throw new Error(`outage-server ended before "${event}": ${stderr}`);
      }
      const message = JSON.parse(value) as Record<string, unknown>;
      if (message.event === event) {
        return message;
      }
    }
  };

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.stdin.write('exit\n');
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve(undefined);
        }, 15_000);
        child.on('exit', () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
    }
  });

  test('stop the database mid-traffic → quick 503s; start it → the same process recovers', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'tests/resilience/outage-server.ts'], {
      cwd: projectRoot,
      env: { ...process.env, ...internals.env },
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    events = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const ready = await next('ready');
    const port = ready.port as number;
    const auth = { authorization: `Bearer ${ready.jwt as string}` };

    // Steady traffic: an authenticated list and the readiness probe, 8 requests in flight at a time.
    const samples: Sample[] = [];
    let running = true;
    const t0 = Date.now();
    const worker = async (i: number) => {
      while (running) {
        const path = i % 2 ? '/ready' : '/courses?take=5';
        const at = Date.now() - t0;
        const res = await request(port, 'GET', path, { headers: auth, timeoutMs: 15_000 }).catch((err: Error) => ({
          status: -1,
          body: err.message,
          ms: Date.now() - t0 - at,
        }));
        samples.push({ ...res, at, path });
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    const workers = Array.from({ length: 8 }, (_, i) => worker(i));

    await new Promise((resolve) => setTimeout(resolve, 1000));
    const tStop = Date.now() - t0;
    child.stdin.write('stop-db\n');
    await next('db-stopped');
    const tStopped = Date.now() - t0;
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const tStart = Date.now() - t0;
    child.stdin.write('start-db\n');
    await next('db-started');
    const tStarted = Date.now() - t0;

    // Recovery: the first /ready 200 and the first authenticated 200 after the database is back.
    const firstOk = async (path: string) => {
      for (;;) {
        const sample = samples.find((s) => s.path === path && s.at >= tStarted && s.status === 200);
        if (sample) {
          return sample.at + sample.ms;
        }
        if (Date.now() - t0 - tStarted > 30_000) {
          throw new Error(`${path} did not recover within 30 s`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const readyAgain = await firstOk('/ready');
    const apiAgain = await firstOk('/courses?take=5');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    running = false;
    await Promise.all(workers);

    // Before the stop: all 200.
    const before = samples.filter((s) => s.at + s.ms < tStop);
    expect(before.length).toBeGreaterThan(10);
    expect(before.every((s) => s.status === 200)).toBe(true);

    // While down (sent after the database was stopped, answered before it was started): 503 only,
    // Boom-shaped with Retry-After on the API, answered quickly; nothing hung, nothing else.
    const down = samples.filter((s) => s.at >= tStopped && s.at + s.ms <= tStart);
    expect(down.length).toBeGreaterThan(10);
    expect([...new Set(down.map((s) => s.status))]).toEqual([503]);
    down.forEach((s) => {
      const body = JSON.parse(s.body);
      expect(body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', message: expect.any(String) });
      expect(s.body).not.toMatch(/prisma|ECONNREFUSED|\n\s+at /i);
    });
    const slowest = Math.max(...down.map((s) => s.ms));
    expect(slowest).toBeLessThan(internals.quickMs);
    expect(down.some((s) => s.path === '/ready')).toBe(true);

    // No request anywhere in the run hung or failed at the connection level.
    expect(samples.filter((s) => s.status === -1)).toEqual([]);
    // After recovery: all 200 again, from the same process.
    const after = samples.filter((s) => s.at >= apiAgain && s.at >= readyAgain);
    expect(after.length).toBeGreaterThan(5);
    expect(after.every((s) => s.status === 200)).toBe(true);
    expect(child.exitCode).toBeNull();

    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
    process.stdout.write(
      [
        `db outage: ${samples.length} requests; database stop took ${tStopped - tStop} ms, restart ${tStarted - tStart} ms`,
        `  while down: ${down.length} responses, all 503; median ${median(down.map((s) => s.ms))} ms, slowest ${slowest} ms`,
        `  recovery after the database was back: /ready 200 after ${readyAgain - tStarted} ms, GET /courses 200 after ${apiAgain - tStarted} ms`,
      ].join('\n') + '\n',
    );
  }, 120_000);
});
