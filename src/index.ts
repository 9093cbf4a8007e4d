// Start entry: config → (embedded database + migrations) → server → graceful stop on SIGTERM/SIGINT.
import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfigOrExit } from './config';
import { openDefaultDatabase } from './db/default-database';
import { seedOnStart } from './db/seed';
import { createProcessLogger } from './logger';
import { assertCanListen, assertDatabaseReachable, listenError } from './startup-checks';
import { StartupError } from './startup-error';

const internals = {
  // Heroku sends SIGKILL 30 s after SIGTERM: drain within that.
  drainTimeoutMs: 25_000,
};

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createProcessLogger(config.logLevel);
  config.warnings.forEach((warning) => logger.warn(warning));

  // Cheap checks first: a wrong setting is reported before anything is started.
  await assertCanListen(config.host, config.port);
  if (config.databaseUrl) {
    await assertDatabaseReachable(config.databaseUrl, config.db.connectTimeoutMs);
  }
  // Hapi, Prisma and every plugin are the bulk of start-up: loaded only once the checks passed, while
  // the embedded PostgreSQL starts (that is mostly waiting on another process).
  let serverModule: Promise<typeof import('./server.js')> | undefined;
  const { url: databaseUrl, embedded } = await openDefaultDatabase(config.databaseUrl, logger, () => {
    serverModule = import('./server.js');
    serverModule.catch(() => undefined);
  });

  const { createServer } = await (serverModule ?? import('./server.js'));
  const server = await createServer({ ...config, databaseUrl }, { logger }).catch(async (err: unknown) => {
    await embedded?.stop();
    throw err;
  });

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

  try {
    await seedOnStart(server.app.db, config, logger);
    await server.start();
  } catch (err) {
    await server.stop({ timeout: 0 });
    await embedded?.stop();
    throw listenError(err, config.host, config.port);
  }
  logger.info({ uri: server.info.uri }, 'grading API listening');
}

main().catch((err: unknown) => {
  // A setting the user can fix: one line, no stack. Anything else is a bug: keep its stack.
  const known = err instanceof StartupError || err instanceof ConfigError;
  process.stderr.write(known ? `${err.message}\n` : `Failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
