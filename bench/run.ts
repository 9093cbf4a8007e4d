// `npm run bench`: the API (production build, the Procfile's node flags, NODE_ENV=production) against
// a fresh, seeded PostgreSQL, next to a bare Hapi + pg yardstick (bench/baseline.ts) on the same
// database. The load comes from a separate process (bench/load.ts: autocannon), so the generator
// never shares an event loop with what it measures. Prints a table and writes it as JSON under
// bench-results/.
//
//   npm run bench                      full run: GET /courses/{id} in BENCH_ROUNDS interleaved rounds
//                                      per server (default 3), then the other routes (project only)
//   npm run bench -- --smoke           a few seconds per route, one round: checks that it all works
//   npm run bench -- --hot             only the GET /courses/{id} rounds
//   npm run bench -- --profile         CPU profile of the API under the GET /courses/{id} load: writes
//                                      bench-results/profile-*/ *.cpuprofile and prints the top functions
//   BENCH_DURATION=20 BENCH_CONNECTIONS=50 BENCH_ROUNDS=5 BENCH_TOKENS=2000 npm run bench
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench   a fresh database there
//   npm run bench -- --api-dir /tmp/before --label before   benchmark another checkout's dist/
//
// GET /courses/{id} uses BENCH_TOKENS distinct JWTs (stored API tokens of distinct users, signed
// like /authenticate signs them) and random courses; its req/s and p99 ratios are the median of the
// per-round ratios, and each round runs the two servers back to back (alternating which goes first),
// so a neighbour's burst of CPU skews one round, not the result.
//
// SQL statements per request come from pg_stat_statements deltas (the embedded PostgreSQL is
// started with it preloaded; on a DATABASE_URL server without it the column says n/a).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { API_TOKEN_TTL_MS, jwtKeyFrom, signApiJwt } from '../src/auth/tokens';
import { freePort, startEmbeddedPostgres } from '../src/db/embedded';
import { migrateDeploy } from '../src/db/migrate';
import { createScratchDatabase } from '../src/db/scratch-database';
import { startSendGridStandIn } from '../tests/helpers/sendgrid';
import type { LoadJob, LoadRequest, LoadResult } from './load';
import { summarizeProfile } from './profile';
import { runGradingBench } from './grading';
import { SEED, seed } from './seed';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};

const root = path.resolve(__dirname, '..');
const smoke = flag('--smoke');
const profile = flag('--profile');
/** --hot: only the interleaved GET /courses/{id} rounds (quicker while iterating on the hot path). */
const hotOnly = flag('--hot') || profile;
const settings = {
  label: option('--label') ?? (smoke ? 'smoke' : profile ? 'profile' : 'run'),
  apiDir: path.resolve(option('--api-dir') ?? root),
  build: !flag('--no-build'),
  duration: Number(process.env.BENCH_DURATION ?? (smoke ? 2 : 10)),
  warmup: Number(process.env.BENCH_WARMUP ?? (smoke ? 0 : 3)),
  rounds: Number(process.env.BENCH_ROUNDS ?? (smoke || profile ? 1 : 3)),
  tokens: Number(process.env.BENCH_TOKENS ?? (smoke ? 200 : 2000)),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 50),
  gradebookConnections: 10,
  poolSize: process.env.DB_POOL_SIZE ?? '10',
  apiNodeOptions: process.env.BENCH_API_NODE_OPTIONS ?? '',
  /** Extra node flags for the API (e.g. `--trace-gc`, which NODE_OPTIONS does not accept); unset in reference runs. */
  apiNodeFlags: (process.env.BENCH_API_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean),
};
const resultsDir = path.join(root, 'bench-results');
const hotRoute = 'GET /courses/{id}';
const profileDir = path.join(resultsDir, `profile-${settings.label}`);

/** The node flags of the Procfile's web process (e.g. its heap cap): the bench runs the API as production does. */
const procfileNodeFlags = (): string[] => {
  const web = readFileSync(path.join(root, 'Procfile'), 'utf8').match(/^web:\s*node\s+(.*?)\s*dist\/index\.js\s*$/m);
  return web?.[1] ? web[1].split(/\s+/) : [];
};

export type Req = LoadRequest;

/** One measured scenario; extra scenarios (e.g. bench/grading.ts) push more of these. */
export interface Phase {
  route: string;
  server: 'project' | 'baseline';
  connections: number;
  next: () => Req;
  /** Every request must differ (writes): prepare enough for the whole run instead of cycling a sample. */
  unique?: boolean;
}

interface Row {
  route: string;
  server: Phase['server'];
  /** The round of an interleaved phase, 'median' for their summary, '-' for single-run phases. */
  round: number | 'median' | '-';
  connections: number;
  requests: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  peakRssMb: number;
  /** The server's CPU time per completed request: steadier than req/s on a machine others are using. */
  cpuMsPerRequest: number;
  sqlPerRequest: number | null;
}

const internals = {
  /** Prepared requests per load job: cycled for reads; for unique writes, enough for this many req/s. */
  sampleSize: 20_000,
  uniqueRatePerSecond: 4_000,

  async waitUp(url: string, child: ChildProcess, what: string): Promise<void> {
    for (let i = 0; i < 300; i++) {
      if (child.exitCode !== null) {
        throw new Error(`${what} exited with ${child.exitCode} (see ${resultsDir}/*.log)`);
      }
      try {
        if ((await fetch(url)).status < 500) {
          return;
        }
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${what} did not answer on ${url}`);
  },

  rssMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(status.match(new RegExp(`${field}:\\s+(\\d+)`))?.[1] ?? 0);
      return Math.round((kb / 1024) * 10) / 10;
    } catch {
      return 0;
    }
  },

  async stop(child: ChildProcess | undefined): Promise<void> {
    if (!child || child.exitCode !== null) {
      return;
    }
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  },

  /** CPU time (user + system) the process has used so far, in ms: /proc/<pid>/stat fields 14 and 15, in clock ticks. */
  cpuMs(pid: number): number {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / internals.clockTicks;
    } catch {
      return 0;
    }
  },
  clockTicks: 100, // getconf CLK_TCK on Linux

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(Math.random() * items.length)];
  },

  median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    return Math.round(median * 1000) / 1000;
  },

  ratio: (a = 0, b = 0) => (b ? Math.round((a / b) * 100) / 100 : 0),

  pad(value: string | number, width: number, left = false): string {
    const text = String(value);
    return left ? text.padEnd(width) : text.padStart(width);
  },

  loadAverage: () => os.loadavg().map((value) => value.toFixed(2)),
};

/** Statement counter over pg_stat_statements (null when the extension is not loaded). */
async function statementCounter(client: Client) {
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await client.query('SELECT pg_stat_statements_reset()');
  } catch {
    return null;
  }
  return {
    reset: () => client.query('SELECT pg_stat_statements_reset()'),
    async count(): Promise<number> {
      const { rows } = await client.query<{ n: string }>(
        `SELECT COALESCE(sum(calls), 0) AS n FROM pg_stat_statements
         WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND toplevel
           AND query NOT ILIKE '%pg_stat_statements%'`,
      );
      return Number(rows[0].n);
    },
    /** BENCH_SQL_DETAIL=1: the statements of the phase, most frequent first. */
    async detail(): Promise<string> {
      const { rows } = await client.query<{ calls: string; ms: string; query: string }>(
        `SELECT calls, round(mean_exec_time::numeric, 2) AS ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 140) AS query FROM pg_stat_statements
         WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT ILIKE '%pg_stat_statements%'
         ORDER BY calls DESC LIMIT 8`,
      );
      return rows.map((row) => `    ${row.calls.padStart(7)} × ${row.ms.padStart(6)} ms  ${row.query}`).join('\n');
    },
  };
}

/** A phase's load for `duration` seconds, from prepared requests. */
function drive(url: string, phase: Phase, duration: number): Promise<LoadResult> {
  const count = phase.unique ? Math.ceil(duration * internals.uniqueRatePerSecond) : internals.sampleSize;
  return runLoad({ url, connections: phase.connections, duration, requests: Array.from({ length: count }, phase.next) });
}

/** Runs one load job in a child process (bench/load.ts) and returns its summary. */
async function runLoad(job: LoadJob): Promise<LoadResult> {
  const file = path.join(os.tmpdir(), `grading-bench-job-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(job));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'load.ts'), file], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) {
      throw new Error(`the load generator exited with ${code}`);
    }
    return JSON.parse(output) as LoadResult;
  } finally {
    rmSync(file, { force: true });
  }
}

async function main(): Promise<void> {
  mkdirSync(resultsDir, { recursive: true });
  const cleanups: Array<() => Promise<unknown>> = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) {
      await step().catch(() => undefined);
    }
  };
  process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));
  const loadAtStart = internals.loadAverage();
  process.stdout.write(`==> load average at start: ${loadAtStart.join(' ')} (${os.cpus().length} CPUs)\n`);

  try {
    if (settings.build) {
      process.stdout.write('==> npm run build\n');
      execFileSync('npm', ['run', '--silent', 'build'], { cwd: settings.apiDir, stdio: ['ignore', 'ignore', 'inherit'] });
    }

    // A fresh database: embedded (pg_stat_statements preloaded) or a new one on DATABASE_URL's server.
    let databaseUrl: string;
    if (process.env.DATABASE_URL) {
      const database = await createScratchDatabase(process.env.DATABASE_URL, 'grading_bench');
      databaseUrl = database.url;
      cleanups.push(() => database.drop());
    } else {
      const embedded = await startEmbeddedPostgres({
        dataDir: path.join(os.tmpdir(), `grading-bench-pg-${process.pid}-${Date.now()}`),
        database: 'grading_bench',
        persistent: false,
        postgresFlags: ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'max_connections=100'],
      });
      databaseUrl = embedded.url;
      cleanups.push(() => embedded.stop());
    }
    process.stdout.write(`==> migrate + seed ${databaseUrl.replace(/\/\/[^@]*@/, '//')}\n`);
    await migrateDeploy(databaseUrl);
    const sql = new Client({ connectionString: databaseUrl });
    await sql.connect();
    cleanups.push(() => sql.end());
    const seeded = await seed(sql);
    process.stdout.write(
      `    ${Object.entries(seeded)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}\n`,
    );
    const statements = await statementCounter(sql);
    const idsOf = async (query: string) => (await sql.query<{ id: number }>(query)).rows.map((row) => row.id);
    const statsTests = await idsOf(`SELECT "id" FROM "tests" WHERE "courseId" <= ${SEED.teacherCourses} ORDER BY "id"`);
    const writeTests = await idsOf(`SELECT "id" FROM "tests" WHERE "courseId" = ${SEED.writeCourse} ORDER BY "id"`);

    // The project's server: production build, production mode, quiet log, emails to a local SendGrid stand-in.
    const sendgrid = await startSendGridStandIn();
    cleanups.push(() => sendgrid.close());
    const jwtSecret = randomBytes(32).toString('hex');
    const apiPort = await freePort();
    if (profile) {
      rmSync(profileDir, { recursive: true, force: true });
    }
    const profileFlags = profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    const api = spawn(
      process.execPath,
      [...procfileNodeFlags(), ...settings.apiNodeFlags, ...profileFlags, path.join(settings.apiDir, 'dist', 'index.js')],
      {
        cwd: settings.apiDir,
        env: {
          ...process.env,
          NODE_ENV: 'production',
          DATABASE_URL: databaseUrl,
          PORT: String(apiPort),
          HOST: '127.0.0.1',
          JWT_SECRET: jwtSecret,
          SENDGRID_API_KEY: 'SG.bench-stand-in',
          SENDGRID_BASE_URL: sendgrid.baseUrl,
          DB_POOL_SIZE: settings.poolSize,
          // An experiment knob (e.g. V8 flags); unset in reference runs.
          NODE_OPTIONS: settings.apiNodeOptions,
        },
        stdio: ['ignore', openSync(path.join(resultsDir, `server-${settings.label}.log`), 'w'), 'inherit'],
      },
    );
    cleanups.push(() => internals.stop(api));
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await internals.waitUp(`${apiUrl}/`, api, 'the API');

    // The yardstick, up for the whole run so the two servers alternate round by round.
    const baselinePort = await freePort();
    const baseline = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'baseline.ts')], {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: databaseUrl,
        PORT: String(baselinePort),
        JWT_SECRET: jwtSecret,
        DB_POOL_SIZE: settings.poolSize,
      },
      stdio: ['ignore', openSync(path.join(resultsDir, `baseline-${settings.label}.log`), 'w'), 'inherit'],
    });
    cleanups.push(() => internals.stop(baseline));
    const baselineUrl = `http://127.0.0.1:${baselinePort}`;
    await internals.waitUp(`${baselineUrl}/courses/1`, baseline, 'the baseline');

    // Real JWTs through the login flow: POST /login, the emailed token, POST /authenticate.
    const login = async (userId: number) => {
      const email = `user${userId}@bench.example`;
      // A fresh process on a busy machine may shed a request (503 + Retry-After): try again.
      const post = async (route: string, body: object): Promise<Response> => {
        for (let attempt = 1; ; attempt++) {
          const res = await fetch(`${apiUrl}${route}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
          if (res.status !== 503 || attempt === 5) {
            return res;
          }
          await new Promise((resolve) => setTimeout(resolve, 1000 * Number(res.headers.get('retry-after') ?? 1)));
        }
      };
      const sent = await post('/login', { email });
      if (sent.status !== 200) {
        throw new Error(`POST /login answered ${sent.status}`);
      }
      const res = await post('/authenticate', { email, emailToken: sendgrid.lastToken(email) });
      if (res.status !== 200) {
        throw new Error(`POST /authenticate answered ${res.status}`);
      }
      const { token } = (await res.json()) as { token: string };
      return { userId, headers: { authorization: `Bearer ${token}` } };
    };
    const teacher = await login(SEED.teacherId);
    const students: Array<typeof teacher> = [];
    for (let userId = 2; userId < 2 + SEED.loggedInStudents; userId++) {
      students.push(await login(userId));
    }

    // Many distinct callers for the hot path: stored API tokens of distinct users, signed exactly as
    // /authenticate signs them (logging in thousands of users through the rate-limited login would
    // measure the rate limiter).
    const expiration = new Date(Date.now() + API_TOKEN_TTL_MS);
    const key = jwtKeyFrom(jwtSecret);
    const minted = await sql.query<{ id: number }>(
      `INSERT INTO "tokens" ("type", "expiration", "userId", "updatedAt")
       SELECT 'API', $1, u, now() FROM generate_series(1, $2::int) u RETURNING "id"`,
      [expiration, Math.min(settings.tokens, SEED.users)],
    );
    const callers = minted.rows.map((row) => ({ authorization: `Bearer ${signApiJwt(key, row.id, expiration)}` }));

    const courseRequest = (): Req => ({
      method: 'GET',
      path: `/courses/${1 + Math.floor(Math.random() * SEED.courses)}`,
      headers: internals.pick(callers),
    });

    // The other routes, project only, one run each. More scenarios: push Phases onto this list.
    let written = 0;
    const phases: Phase[] = [
      {
        route: 'GET /users/{id}/test-results',
        server: 'project',
        connections: settings.connections,
        next: () => {
          const student = internals.pick(students);
          return { method: 'GET', path: `/users/${student.userId}/test-results`, headers: student.headers };
        },
      },
      {
        route: 'GET /courses/tests/{id}/stats',
        server: 'project',
        connections: settings.connections,
        next: () => ({ method: 'GET', path: `/courses/tests/${internals.pick(statsTests)}/stats`, headers: teacher.headers }),
      },
      {
        route: `GET /courses/{id}/gradebook (${SEED.gradebookStudents}×${SEED.gradebookTests})`,
        server: 'project',
        connections: settings.gradebookConnections,
        next: () => ({ method: 'GET', path: `/courses/${SEED.gradebookCourse}/gradebook`, headers: teacher.headers }),
      },
      {
        route: 'POST /courses/tests/{id}/test-results',
        server: 'project',
        connections: settings.connections,
        unique: true,
        next: () => {
          // Each request a new (test, student) pair of the write course: no 409s.
          const n = written++;
          const testId = writeTests[n % writeTests.length];
          const studentId = 2 + (Math.floor(n / writeTests.length) % SEED.writeStudents);
          return {
            method: 'POST',
            path: `/courses/tests/${testId}/test-results`,
            headers: { ...teacher.headers, 'content-type': 'application/json' },
            body: JSON.stringify({ studentId, result: (n * 37) % 1001 }),
          };
        },
      },
    ];

    const servers = { project: { child: api, url: apiUrl }, baseline: { child: baseline, url: baselineUrl } };
    const measure = async (phase: Phase, round: Row['round']): Promise<Row> => {
      const { child, url } = servers[phase.server];
      const pid = child.pid as number;
      process.stdout.write(
        `==> ${phase.server} ${phase.route}${typeof round === 'number' ? ` (round ${round})` : ''}: ${settings.warmup} s warm-up, ${settings.duration} s measured, ${phase.connections} connections\n`,
      );
      if (settings.warmup > 0) {
        await drive(url, phase, settings.warmup);
        await new Promise((resolve) => setTimeout(resolve, 300)); // let the warm-up's last requests finish
      }
      await statements?.reset();
      let peakRss = internals.rssMb(pid, 'VmRSS');
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, internals.rssMb(pid, 'VmRSS'));
      }, 100);
      const cpuBefore = internals.cpuMs(pid);
      const result = await drive(url, phase, settings.duration);
      const cpuUsed = internals.cpuMs(pid) - cpuBefore;
      clearInterval(sampler);
      // Requests still in flight when the generator stops were sent and ran their SQL: count them too.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const statementCount = statements ? await statements.count() : null;
      if (statements && process.env.BENCH_SQL_DETAIL) {
        process.stdout.write(`${await statements.detail()}\n`);
      }
      return {
        route: phase.route,
        server: phase.server,
        round,
        connections: phase.connections,
        requests: result.requests,
        reqPerSec: result.reqPerSec,
        p50: result.p50,
        p99: result.p99,
        errors: result.errors,
        non2xx: result.non2xx,
        peakRssMb: Math.max(peakRss, internals.rssMb(pid, 'VmHWM')),
        cpuMsPerRequest: result.requests ? Math.round((cpuUsed / result.requests) * 1000) / 1000 : 0,
        sqlPerRequest: statementCount === null || !result.sent ? null : Math.round((statementCount / result.sent) * 100) / 100,
      };
    };

    // GET /courses/{id}: first every caller once on each server (a server in service has seen its
    // users before: the rounds measure a steady state, not 2,000 first requests), then interleaved
    // rounds, alternating which server goes first.
    for (const server of profile ? (['project'] as const) : (['project', 'baseline'] as const)) {
      const requests = callers.map((headers, i): Req => ({ method: 'GET', path: `/courses/${1 + (i % SEED.courses)}`, headers }));
      process.stdout.write(`==> ${server} ${hotRoute}: every caller once (${requests.length} requests)\n`);
      await runLoad({ url: servers[server].url, connections: settings.connections, duration: 0, amount: requests.length, requests });
    }
    const rounds: Row[] = [];
    for (let round = 1; round <= settings.rounds; round++) {
      const order: Array<Phase['server']> = profile ? ['project'] : round % 2 ? ['project', 'baseline'] : ['baseline', 'project'];
      for (const server of order) {
        rounds.push(await measure({ route: hotRoute, server, connections: settings.connections, next: courseRequest }, round));
      }
    }
    const rows: Row[] = [...rounds];
    const hot = (server: Phase['server']) => rounds.filter((row) => row.server === server);
    for (const server of ['project', 'baseline'] as const) {
      const of = hot(server);
      if (of.length > 1) {
        rows.push({
          ...of[0],
          round: 'median',
          requests: of.reduce((sum, row) => sum + row.requests, 0),
          reqPerSec: internals.median(of.map((row) => row.reqPerSec)),
          p50: internals.median(of.map((row) => row.p50)),
          p99: internals.median(of.map((row) => row.p99)),
          errors: of.reduce((sum, row) => sum + row.errors, 0),
          non2xx: of.reduce((sum, row) => sum + row.non2xx, 0),
          peakRssMb: Math.max(...of.map((row) => row.peakRssMb)),
          cpuMsPerRequest: internals.median(of.map((row) => row.cpuMsPerRequest)),
          sqlPerRequest: internals.median(of.map((row) => row.sqlPerRequest ?? Number.NaN)),
        });
      }
    }

    if (!hotOnly) {
      for (const phase of phases) {
        rows.push(await measure(phase, '-'));
      }
    }
    if (!hotOnly) await runGradingBench({ sql, apiUrl, login, teacherId: SEED.teacherId, smoke, resultsDir, label: settings.label });

    if (profile) {
      await internals.stop(api); // the profile is written when the process exits
      const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
      if (!file) {
        throw new Error(`no .cpuprofile in ${profileDir}`);
      }
      process.stdout.write(
        `\n${summarizeProfile(path.join(profileDir, file))}\nprofile: ${path.relative(process.cwd(), path.join(profileDir, file))} (open it in Chrome DevTools › Performance, or speedscope)\n`,
      );
    }

    const report = summarize(rows, rounds);
    const loadAtEnd = internals.loadAverage();
    const output = {
      label: settings.label,
      date: new Date().toISOString(),
      commit: (() => {
        try {
          return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: settings.apiDir, encoding: 'utf8' }).trim();
        } catch {
          return null;
        }
      })(),
      machine: { cpus: os.cpus().length, node: process.version, loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadAtEnd },
      settings: { ...settings, database: process.env.DATABASE_URL ? 'DATABASE_URL server' : 'embedded', seeded },
      rows,
      targets: report.targets,
    };
    process.stdout.write(
      `\n${report.table}\nload average at start: ${loadAtStart.join(' ')}, at end: ${loadAtEnd.join(' ')} (${os.cpus().length} CPUs)\n`,
    );
    const file = path.join(resultsDir, `${output.date.replace(/[:.]/g, '-')}-${settings.label}.json`);
    writeFileSync(file, `${JSON.stringify(output, null, 2)}\n`);
    writeFileSync(path.join(resultsDir, 'latest.json'), `${JSON.stringify(output, null, 2)}\n`);
    process.stdout.write(`results: ${path.relative(process.cwd(), file)}\n`);

    const broken = rows.filter((row) => row.requests === 0);
    if (broken.length) {
      throw new Error(`no requests completed for: ${broken.map((row) => `${row.server} ${row.route}`).join(', ')}`);
    }
  } finally {
    await cleanup();
  }
}

function summarize(rows: Row[], rounds: Row[]) {
  const header = ['route', 'server', 'round', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'err/non-2xx', 'peak RSS MB', 'CPU ms/req', 'SQL/req'];
  const cells = rows.map((row) => [
    row.route,
    row.server,
    row.round,
    row.connections,
    row.reqPerSec,
    row.p50,
    row.p99,
    `${row.errors}/${row.non2xx}`,
    row.peakRssMb,
    row.cpuMsPerRequest,
    row.sqlPerRequest ?? 'n/a',
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((cell) => String(cell[i]).length)));
  const line = (cell: Array<string | number>) => `| ${cell.map((value, i) => internals.pad(value, widths[i], i < 2)).join(' | ')} |`;
  const table = [
    line(header),
    `|${widths.map((w, i) => (i < 2 ? ':' : '-') + '-'.repeat(w) + (i < 2 ? '-' : ':')).join('|')}|`,
    ...cells.map(line),
  ];

  // Per-round ratios (the two servers of a round ran back to back), then their median.
  const byRound = new Map<number, { project?: Row; baseline?: Row }>();
  for (const row of rounds) {
    const entry = byRound.get(row.round as number) ?? {};
    entry[row.server] = row;
    byRound.set(row.round as number, entry);
  }
  const pairs = [...byRound.values()].filter((pair): pair is Required<typeof pair> => Boolean(pair.project && pair.baseline));
  const project = rounds.filter((row) => row.server === 'project');
  const baseline = rounds.filter((row) => row.server === 'baseline');
  const others = rows.filter((row) => row.server === 'project' && row.round === '-');
  type Target = { value: number | string; target: string; met: boolean };
  const targets: Record<string, Target> = {};
  if (pairs.length) {
    const reqRatio = internals.median(pairs.map((pair) => internals.ratio(pair.project.reqPerSec, pair.baseline.reqPerSec)));
    const p99Ratio = internals.median(pairs.map((pair) => internals.ratio(pair.project.p99, pair.baseline.p99)));
    targets.reqPerSecRatio = { value: reqRatio, target: '>= 1.0 (median of rounds)', met: reqRatio >= 1 };
    targets.p99Ratio = { value: p99Ratio, target: '<= 1.5 (median of rounds)', met: p99Ratio <= 1.5 };
    targets.baselinePeakRssMb = { value: Math.max(...baseline.map((row) => row.peakRssMb)), target: '(yardstick)', met: true };
    const cpuRatio = internals.median(pairs.map((pair) => internals.ratio(pair.project.cpuMsPerRequest, pair.baseline.cpuMsPerRequest)));
    targets.cpuPerRequestRatio = { value: cpuRatio, target: '(information: < 1 means less CPU per request than the yardstick)', met: true };
  }
  if (project.length) {
    const errors = project.reduce((sum, row) => sum + row.errors + row.non2xx, 0);
    targets.errors = { value: errors, target: '0', met: errors === 0 };
    const rss = Math.max(...project.map((row) => row.peakRssMb));
    targets.peakRssMb = { value: rss, target: '<= 150', met: rss <= 150 };
  }
  if (others.length) {
    const worst = others.reduce((a, b) => (b.p99 > a.p99 ? b : a));
    targets.otherRoutesMaxP99Ms = { value: `${worst.p99} (${worst.route})`, target: '< 100', met: worst.p99 < 100 };
    const reads = others.filter((row) => row.route.startsWith('GET'));
    targets.maxReadSqlPerRequest = {
      value: Math.max(...reads.map((row) => row.sqlPerRequest ?? Number.NaN)),
      target: '<= 2',
      met: reads.every((row) => row.sqlPerRequest !== null && row.sqlPerRequest <= 2),
    };
  }
  const summary = Object.entries(targets).map(([name, t]) => `  ${t.met ? 'MET ' : 'MISS'} ${name}: ${t.value} (target ${t.target})`);
  return {
    targets,
    table: [
      ...table,
      '',
      `${hotRoute}: project vs baseline over ${pairs.length} interleaved round(s), and the other targets:`,
      ...summary,
    ].join('\n'),
  };
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
