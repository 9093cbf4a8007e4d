// Start entry: config → (embedded database + migrations) → server → graceful stop on SIGTERM/SIGINT.
import path from 'node:path';
import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfig } from './config';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded';
import { migrateDeploy } from './db/migrate';
import { seedOnStart } from './db/seed';
import { createLogger } from './logger';
import { createServer } from './server';

const internals = {
  dataDir: path.resolve(__dirname, '..', '.data', 'postgres'),
  // Heroku sends SIGKILL 30 s after SIGTERM: drain within that.
  drainTimeoutMs: 25_000,
};

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  config.warnings.forEach((warning) => logger.warn(warning));

  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    logger.info({ dataDir: internals.dataDir }, 'DATABASE_URL is not set: starting the embedded PostgreSQL');
    embedded = await startEmbeddedPostgres({ dataDir: internals.dataDir, database: 'grading', persistent: true });
    databaseUrl = embedded.url;
    await migrateDeploy(databaseUrl);
    logger.info({ databaseUrl }, 'embedded PostgreSQL is up and migrated');
  }

  const server = await createServer({ ...config, databaseUrl }, { logger });

  closeWithGrace({ delay: internals.drainTimeoutMs, logger }, async ({ signal, err }) => {
    if (err) {
      logger.error({ err }, 'fatal error, stopping');
    } else {
      logger.info({ signal }, 'stopping: draining in-flight requests');
    }
    // server.stop() refuses new connections, waits for in-flight requests, then onPostStop disconnects Prisma.
    await server.stop({ timeout: internals.drainTimeoutMs - 2_000 });
    await embedded?.stop();
    logger.info('stopped');
  });

  await seedOnStart(server.app.db, config, logger);
  await server.start();
  logger.info({ uri: server.info.uri }, 'grading API listening');
}

main().catch((err: unknown) => {
  process.stderr.write(`Failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
