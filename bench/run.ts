// `npm run bench`: the API (production build) against a fresh, seeded PostgreSQL, driven by
// autocannon from this process, next to a minimal Hapi + pg baseline (bench/baseline.ts) on the same
// database. Prints a table and writes it as JSON under bench-results/.
//
//   npm run bench                      full run (BENCH_DURATION s per route, default 10, + warm-up)
//   npm run bench -- --smoke           a few seconds per route: checks that it all works
//   BENCH_DURATION=20 BENCH_CONNECTIONS=50 npm run bench
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench   a fresh database there
//   npm run bench -- --api-dir /tmp/before --label before   benchmark another checkout's dist/
//
// SQL statements per request come from pg_stat_statements deltas (the embedded PostgreSQL is
// started with it preloaded; on a DATABASE_URL server without it the column says n/a).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync, openSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { freePort, startEmbeddedPostgres } from '../src/db/embedded';
import { migrateDeploy } from '../src/db/migrate';
import { startSendGridStandIn } from '../tests/helpers/sendgrid';
import { SEED, seed } from './seed';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};

const root = path.resolve(__dirname, '..');
const smoke = flag('--smoke');
const settings = {
  label: option('--label') ?? (smoke ? 'smoke' : 'run'),
  apiDir: path.resolve(option('--api-dir') ?? root),
  build: !flag('--no-build'),
  duration: Number(process.env.BENCH_DURATION ?? (smoke ? 2 : 10)),
  warmup: Number(process.env.BENCH_WARMUP ?? (smoke ? 1 : 3)),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 50),
  gradebookConnections: 10,
  poolSize: process.env.DB_POOL_SIZE ?? '10',
  apiNodeOptions: process.env.BENCH_API_NODE_OPTIONS ?? '',
};
const resultsDir = path.join(root, 'bench-results');

/** The node flags of the Procfile's web process (e.g. its heap cap): the bench runs the API as production does. */
const procfileNodeFlags = (): string[] => {
  const web = readFileSync(path.join(root, 'Procfile'), 'utf8').match(/^web:\s*node\s+(.*?)\s*dist\/index\.js\s*$/m);
  return web?.[1] ? web[1].split(/\s+/) : [];
};

interface Row {
  route: string;
  server: 'project' | 'baseline';
  connections: number;
  requests: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  peakRssMb: number;
  sqlPerRequest: number | null;
}

type Req = { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string };

const internals = {
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
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(status.match(new RegExp(`${field}:\\s+(\\d+)`))?.[1] ?? 0);
    return Math.round((kb / 1024) * 10) / 10;
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

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(Math.random() * items.length)];
  },

  pad(value: string | number, width: number, left = false): string {
    const text = String(value);
    return left ? text.padEnd(width) : text.padStart(width);
  },
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

async function drive(url: string, connections: number, duration: number, next: () => Req) {
  return autocannon({
    url,
    connections,
    duration,
    requests: [{ setupRequest: (request) => ({ ...request, ...next() }) }],
  });
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

  try {
    if (settings.build) {
      process.stdout.write('==> npm run build\n');
      execFileSync('npm', ['run', '--silent', 'build'], { cwd: settings.apiDir, stdio: ['ignore', 'ignore', 'inherit'] });
    }

    // A fresh database: embedded (pg_stat_statements preloaded) or a new one on DATABASE_URL's server.
    let databaseUrl: string;
    if (process.env.DATABASE_URL) {
      const name = `grading_bench_${process.pid}_${Date.now()}`;
      const admin = new Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE "${name}"`);
      await admin.end();
      const url = new URL(process.env.DATABASE_URL);
      url.pathname = `/${name}`;
      databaseUrl = url.toString();
      cleanups.push(async () => {
        const dropper = new Client({ connectionString: process.env.DATABASE_URL });
        await dropper.connect();
        await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await dropper.end();
      });
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
    process.stdout.write(`    ${Object.entries(seeded).map(([k, v]) => `${v} ${k}`).join(', ')}\n`);
    const statements = await statementCounter(sql);
    const idsOf = async (query: string) => (await sql.query<{ id: number }>(query)).rows.map((row) => row.id);
    const statsTests = await idsOf(`SELECT "id" FROM "tests" WHERE "courseId" <= ${SEED.teacherCourses} ORDER BY "id"`);
    const writeTests = await idsOf(`SELECT "id" FROM "tests" WHERE "courseId" = ${SEED.writeCourse} ORDER BY "id"`);

    // The project's server: production build, production mode, quiet log, emails to a local SendGrid stand-in.
    const sendgrid = await startSendGridStandIn();
    cleanups.push(() => sendgrid.close());
    const jwtSecret = randomBytes(32).toString('hex');
    const apiPort = await freePort();
    const api = spawn(process.execPath, [...procfileNodeFlags(), path.join(settings.apiDir, 'dist', 'index.js')], {
      cwd: settings.apiDir,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: databaseUrl,
        PORT: String(apiPort),
        HOST: '127.0.0.1',
        JWT_SECRET: jwtSecret,
        LOG_LEVEL: 'warn',
        SENDGRID_API_KEY: 'SG.bench-stand-in',
        SENDGRID_BASE_URL: sendgrid.baseUrl,
        DB_POOL_SIZE: settings.poolSize,
        // An experiment knob (e.g. V8 flags); unset in reference runs.
        NODE_OPTIONS: settings.apiNodeOptions,
      },
      stdio: ['ignore', openSync(path.join(resultsDir, `server-${settings.label}.log`), 'w'), 'inherit'],
    });
    cleanups.push(() => internals.stop(api));
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await internals.waitUp(`${apiUrl}/`, api, 'the API');

    // Real JWTs through the login flow: POST /login, the emailed token, POST /authenticate.
    const login = async (userId: number) => {
      const email = `user${userId}@bench.example`;
      const post = (route: string, body: object) =>
        fetch(`${apiUrl}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
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
    const everyone = [teacher, ...students];

    let written = 0;
    const phases: Array<{ route: string; server: Row['server']; connections: number; next: () => Req }> = [
      {
        route: 'GET /courses/{id}',
        server: 'project',
        connections: settings.connections,
        next: () => ({ method: 'GET', path: `/courses/${1 + Math.floor(Math.random() * SEED.courses)}`, headers: internals.pick(everyone).headers }),
      },
      {
        route: 'GET /courses/{id}',
        server: 'baseline',
        connections: settings.connections,
        next: () => ({ method: 'GET', path: `/courses/${1 + Math.floor(Math.random() * SEED.courses)}`, headers: internals.pick(everyone).headers }),
      },
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

    const rows: Row[] = [];
    for (const phase of phases) {
      let child = api;
      let url = apiUrl;
      let baseline: ChildProcess | undefined;
      if (phase.server === 'baseline') {
        const port = await freePort();
        baseline = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'baseline.ts')], {
          cwd: root,
          env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: databaseUrl, PORT: String(port), JWT_SECRET: jwtSecret, DB_POOL_SIZE: settings.poolSize },
          stdio: ['ignore', openSync(path.join(resultsDir, `baseline-${settings.label}.log`), 'w'), 'inherit'],
        });
        cleanups.push(() => internals.stop(baseline));
        url = `http://127.0.0.1:${port}`;
        await internals.waitUp(`${url}/courses/1`, baseline, 'the baseline');
        child = baseline;
      }
      process.stdout.write(`==> ${phase.server} ${phase.route}: ${settings.warmup} s warm-up, ${settings.duration} s measured, ${phase.connections} connections\n`);
      await drive(url, phase.connections, settings.warmup, phase.next);
      await new Promise((resolve) => setTimeout(resolve, 300)); // let the warm-up's last requests finish
      await statements?.reset();
      let peakRss = internals.rssMb(child.pid as number, 'VmRSS');
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, internals.rssMb(child.pid as number, 'VmRSS'));
      }, 100);
      const result = await drive(url, phase.connections, settings.duration, phase.next);
      clearInterval(sampler);
      // Requests still in flight when autocannon stops were sent and ran their SQL: count them too.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const statementCount = statements ? await statements.count() : null;
      if (statements && process.env.BENCH_SQL_DETAIL) {
        process.stdout.write(`${await statements.detail()}\n`);
      }
      const requests = result.requests.total;
      const sent = Math.max(result.requests.sent, requests);
      rows.push({
        route: phase.route,
        server: phase.server,
        connections: phase.connections,
        requests,
        reqPerSec: Math.round(result.requests.average),
        p50: result.latency.p50,
        p99: result.latency.p99,
        errors: result.errors + result.timeouts,
        non2xx: result.non2xx,
        peakRssMb: Math.max(peakRss, internals.rssMb(child.pid as number, 'VmHWM')),
        sqlPerRequest: statementCount === null || !sent ? null : Math.round((statementCount / sent) * 100) / 100,
      });
      await internals.stop(baseline);
    }

    const report = summarize(rows);
    const load = os.loadavg().map((value) => value.toFixed(2));
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
      machine: { cpus: os.cpus().length, node: process.version, loadAverageAtEnd: load },
      settings: { ...settings, database: process.env.DATABASE_URL ? 'DATABASE_URL server' : 'embedded', seeded },
      rows,
      targets: report.targets,
    };
    process.stdout.write(`\n${report.table}\nload average at end: ${load.join(' ')} (${os.cpus().length} CPUs)\n`);
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

function summarize(rows: Row[]) {
  const header = ['route', 'server', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'err/non-2xx', 'peak RSS MB', 'SQL/req'];
  const cells = rows.map((row) => [
    row.route,
    row.server,
    row.connections,
    row.reqPerSec,
    row.p50,
    row.p99,
    `${row.errors}/${row.non2xx}`,
    row.peakRssMb,
    row.sqlPerRequest ?? 'n/a',
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((cell) => String(cell[i]).length)));
  const line = (cell: Array<string | number>) => `| ${cell.map((value, i) => internals.pad(value, widths[i], i < 2)).join(' | ')} |`;
  const table = [line(header), `|${widths.map((w, i) => (i < 2 ? ':' : '-') + '-'.repeat(w) + (i < 2 ? '-' : ':')).join('|')}|`, ...cells.map(line)];

  const project = rows.find((row) => row.route === 'GET /courses/{id}' && row.server === 'project');
  const baseline = rows.find((row) => row.route === 'GET /courses/{id}' && row.server === 'baseline');
  const gradebook = rows.find((row) => row.route.includes('gradebook'));
  const reads = rows.filter((row) => row.server === 'project' && row.route.startsWith('GET'));
  const ratio = (a = 0, b = 0) => (b ? Math.round((a / b) * 100) / 100 : 0);
  const targets = project && baseline && gradebook
    ? {
        reqPerSecRatio: { value: ratio(project.reqPerSec, baseline.reqPerSec), target: '>= 0.6', met: ratio(project.reqPerSec, baseline.reqPerSec) >= 0.6 },
        p99Ratio: { value: ratio(project.p99, baseline.p99), target: '<= 1.5', met: ratio(project.p99, baseline.p99) <= 1.5 },
        errors: { value: project.errors + project.non2xx, target: '0', met: project.errors + project.non2xx === 0 },
        peakRssMb: { value: Math.max(...rows.filter((r) => r.server === 'project').map((r) => r.peakRssMb)), target: '<= 200', met: false },
        gradebookP50Ms: { value: gradebook.p50, target: '<= 50', met: gradebook.p50 <= 50 },
        maxReadSqlPerRequest: {
          value: Math.max(...reads.map((row) => row.sqlPerRequest ?? Number.NaN)),
          target: '<= 2',
          met: reads.every((row) => row.sqlPerRequest !== null && row.sqlPerRequest <= 2),
        },
      }
    : {};
  if ('peakRssMb' in targets && targets.peakRssMb) {
    targets.peakRssMb.met = targets.peakRssMb.value <= 200;
  }
  const summary = Object.entries(targets).map(
    ([name, t]) => `  ${t.met ? 'MET ' : 'MISS'} ${name}: ${t.value} (target ${t.target})`,
  );
  return {
    targets,
    table: [...table, '', 'GET /courses/{id}, project / baseline (same run), and the other targets:', ...summary].join('\n'),
  };
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
