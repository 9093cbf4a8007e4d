// `prisma db seed` entry (prisma.config.ts: migrations.seed = node dist/db/seed-cli.js). Runs from
// the compiled build, so it also works where devDependencies are pruned (Heroku:
// `heroku run npx prisma db seed`). With DATABASE_URL unset it seeds the embedded PostgreSQL under
// .data/ that `npm start` uses (stop the server first: one process at a time owns that directory).
import path from 'node:path';
import { ConfigError, loadConfig } from '../config';
import { createLogger } from '../logger';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded';
import { migrateDeploy } from './migrate';
import { createPrismaClient } from './prisma';
import { seedDemoData } from './seed';

const internals = {
  // The same directory as src/index.ts (dist/db/ → project root).
  dataDir: path.resolve(__dirname, '..', '..', '.data', 'postgres'),
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

  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  try {
    if (!databaseUrl) {
      logger.info({ dataDir: internals.dataDir }, 'DATABASE_URL is not set: seeding the embedded PostgreSQL');
      embedded = await startEmbeddedPostgres({ dataDir: internals.dataDir, database: 'grading', persistent: true }).catch(
        (err: unknown) => {
          throw new Error(
            `Cannot start the embedded PostgreSQL in ${internals.dataDir} (is npm start running? ` +
              `Stop it, or restart it with SEED_DEMO_DATA=true): ${err instanceof Error ? err.message : String(err)}`,
          );
        },
      );
      databaseUrl = embedded.url;
      await migrateDeploy(databaseUrl);
    }
    const db = createPrismaClient(databaseUrl, config.db);
    try {
      const summary = await seedDemoData(db);
      logger.info(summary, 'demo data seeded (admin@example.com is the admin)');
    } finally {
      await db.$disconnect();
    }
  } finally {
    await embedded?.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`Seeding failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
