// Start entry: config → (embedded database + migrations) → server → graceful stop on SIGTERM/SIGINT.
import closeWithGrace from 'close-with-grace';
import { loadConfigOrExit } from './config';
import { openDefaultDatabase } from './db/default-database';
import { seedOnStart } from './db/seed';
import { createLogger } from './logger';
import { createServer } from './server';

const internals = {
  // Heroku sends SIGKILL 30 s after SIGTERM: drain within that.
  drainTimeoutMs: 25_000,
};

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  config.warnings.forEach((warning) => logger.warn(warning));

  const { url: databaseUrl, embedded } = await openDefaultDatabase(config.databaseUrl, logger);

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
