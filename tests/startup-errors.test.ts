// Each wrong setting stops `node dist/index.js` (what `npm start` runs; `npm test` builds it first)
// with ONE line naming the setting and the fix, exit code 1, no stack trace, and quickly.
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../src/db/embedded';

const projectRoot = path.resolve(__dirname, '..');
// "Within about a second" on an idle machine; this suite shares two cores with others.
const quickMs = 6_000;
const timings: string[] = [];

interface Run {
  readonly code: number | null;
  readonly stderr: string;
  readonly stdout: string;
  readonly ms: number;
}

function startEntry(env: NodeJS.ProcessEnv, cwd = projectRoot) {
  const base: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: '0' };
  delete base.DATABASE_URL; // the test run's own database, set by tests/setup
  const started = Date.now();
  const child = spawn(process.execPath, [path.join(cwd, 'dist', 'index.js')], {
    cwd,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Run>((resolve) => child.on('exit', (code) => resolve({ code, stderr, stdout, ms: Date.now() - started })));
  return { child, exited, stdout: () => stdout };
}

async function failsWith(name: string, env: NodeJS.ProcessEnv, line: RegExp, cwd?: string): Promise<Run> {
  const run = await startEntry(env, cwd).exited;
  timings.push(`${name}: exit ${run.code} after ${run.ms} ms: ${run.stderr.trim()}`);
  expect(run.code).toBe(1);
  expect(run.stderr.endsWith('\n')).toBe(true);
  expect(run.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(line)]);
  expect(run.ms).toBeLessThan(quickMs);
  return run;
}

/** A checkout of its own (dist copied, the rest linked) so its embedded cluster is not the developer's .data/. */
function scratchCheckout(prefix: string): string {
  const checkout = mkdtempSync(path.join(os.tmpdir(), prefix));
  cpSync(path.join(projectRoot, 'dist'), path.join(checkout, 'dist'), { recursive: true });
  for (const entry of ['node_modules', 'prisma', 'prisma.config.ts', 'package.json']) {
    symlinkSync(path.join(projectRoot, entry), path.join(checkout, entry));
  }
  return checkout;
}

afterAll(() => {
  console.log(`start-up errors (spawn → exit):\n${timings.join('\n')}`);
});

describe('start-up errors: one line, exit 1, at once', () => {
  test('an invalid setting names the variable', async () => {
    await failsWith('PORT=abc', { PORT: 'abc' }, /^Invalid configuration: "PORT" must be a number .*Configuration/);
    await failsWith(
      'NODE_ENV=prod',
      { NODE_ENV: 'prod' },
      /^Invalid configuration: "NODE_ENV" must be one of \[development, production, test\]/,
    );
  });

  test('an unreachable DATABASE_URL says so, without its password', async () => {
    const closedPort = await freePort();
    const url = `postgresql://grader:s3cret-pw@127.0.0.1:${closedPort}/grading`;
    const expected = new RegExp(
      `^Cannot connect to the database in DATABASE_URL \\(postgresql://127\\.0\\.0\\.1:${closedPort}/grading\\): nothing accepts connections there\\. ` +
        'Start PostgreSQL there or fix DATABASE_URL',
    );
    const run = await failsWith('DATABASE_URL unreachable', { DATABASE_URL: url }, expected);
    expect(run.stderr + run.stdout).not.toContain('s3cret-pw');
  });

  test('an unreachable DATABASE_URL stops a production start too (it used to stay up, silent)', async () => {
    const closedPort = await freePort();
    await failsWith(
      'DATABASE_URL unreachable, production',
      { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), DATABASE_URL: `postgresql://postgres@127.0.0.1:${closedPort}/grading` },
      /^Cannot connect to the database in DATABASE_URL .*nothing accepts connections there/,
    );
  });

  test('a database that does not exist is named', async () => {
    const server = new URL(process.env.DATABASE_URL as string);
    server.pathname = '/no_such_database_startup_test';
    await failsWith(
      'DATABASE_URL missing database',
      { DATABASE_URL: server.toString() },
      /^Cannot connect to the database in DATABASE_URL .*: that database does not exist\./,
    );
  });

  test('a port in use names PORT', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as net.AddressInfo;
    try {
      await failsWith(
        'PORT in use',
        { PORT: String(port) },
        new RegExp(
          `^PORT ${port} is already in use on 127\\.0\\.0\\.1 \\(another npm start\\?\\): stop that process, or set PORT to a free port\\.$`,
        ),
      );
    } finally {
      holder.close();
    }
  });

  test('a lock file left by a crash names the file to delete', async () => {
    const checkout = scratchCheckout('grading-stale-lock-');
    // Open to other users, so that as root the cluster stays in the checkout (src/db/embedded-root.ts).
    chmodSync(checkout, 0o755);
    const dataDir = path.join(checkout, '.data', 'postgres');
    mkdirSync(dataDir, { recursive: true });
    // A live process that is not PostgreSQL: this test's own.
    writeFileSync(path.join(dataDir, 'postmaster.pid'), `${process.pid}\n${dataDir}\n`);
    try {
      await failsWith(
        'stale lock file',
        {},
        new RegExp(
          `^The embedded PostgreSQL in ${dataDir} has a lock file naming process ${process.pid}, which is not PostgreSQL .*: delete ${dataDir}/postmaster\\.pid and start again\\.$`,
        ),
        checkout,
      );
    } finally {
      rmSync(checkout, { recursive: true, force: true });
    }
  });

  test('a second start in the same checkout names the process that owns the embedded PostgreSQL', async () => {
    const checkout = scratchCheckout('grading-second-start-');
    const first = startEntry({}, checkout);
    let dataDir: string | undefined;
    try {
      const deadline = Date.now() + 90_000;
      while (!/grading API listening/.test(first.stdout())) {
        if (Date.now() > deadline || first.child.exitCode !== null) {
          throw new Error(`the first start did not come up:\n${first.stdout()}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      dataDir = /"dataDir":"([^"]+)"/.exec(first.stdout())?.[1];
      expect(dataDir).toBeDefined();
      await failsWith(
        'second start, same checkout',
        {},
        /^The embedded PostgreSQL in \S+ is already in use by process \d+ \(another npm start in this checkout\?\): stop that process first, or set DATABASE_URL/,
        checkout,
      );
    } finally {
      first.child.kill('SIGTERM');
      expect((await first.exited).code).toBe(0);
      rmSync(checkout, { recursive: true, force: true });
      // Running as root from a private folder, the cluster lives under /var/lib/grading-api (src/db/embedded-root.ts).
      if (dataDir && !dataDir.startsWith(checkout)) {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  }, 120_000);
});
