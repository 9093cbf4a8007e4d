// `prisma db seed` entry (prisma.config.ts: migrations.seed = node dist/db/seed-cli.js). Runs from
// the compiled build, so it also works where devDependencies are pruned (Heroku:
// `heroku run npx prisma db seed`). With DATABASE_URL unset it seeds the embedded PostgreSQL under
// .data/ that `npm start` uses (stop the server first: one process at a time owns that directory).
import { loadConfigOrExit } from '../config';
import { StartupError } from '../startup-error';
import { createLogger } from '../logger';
import { openDefaultDatabase } from './default-database';
import { connectDatabase } from './prisma';
import { seedDemoData } from './seed';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);

  const { url: databaseUrl, embedded } = await openDefaultDatabase(config.databaseUrl, logger);
  try {
    const { db } = connectDatabase(databaseUrl, config.db);
    try {
      const summary = await seedDemoData(db);
      logger.info(summary, 'demo data seeded (admin@example.com is an admin when ADMIN_EMAILS lists it)');
    } finally {
      await db.$disconnect();
    }
  } finally {
    await embedded?.stop();
  }
}

main().catch((err: unknown) => {
  // A setting the user can fix (e.g. the embedded database is in use by npm start): one line.
  const detail = err instanceof StartupError ? err.message : err instanceof Error ? err.stack : String(err);
  process.stderr.write(`Seeding failed: ${detail}\n`);
  process.exit(1);
});
