// Which database the entry points use: DATABASE_URL when set, else the embedded PostgreSQL under
// .data/ (started, created and migrated here). Shared by `npm start` and `prisma db seed`.
import path from 'node:path';
import type { Logger } from 'pino';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded';
import { migrateDeploy } from './migrate';

export interface DefaultDatabase {
  readonly url: string;
  /** Set when this process started the embedded PostgreSQL: stop it on the way out. */
  readonly embedded: EmbeddedDatabase | undefined;
}

/** The embedded cluster's directory (dist/db/ or src/db/ → project root). */
const EMBEDDED_DATA_DIR = path.resolve(__dirname, '..', '..', '.data', 'postgres');

/** `whileStarting`: work the caller can do while the embedded PostgreSQL starts (called at once otherwise). */
export async function openDefaultDatabase(
  databaseUrl: string | undefined,
  logger: Logger,
  whileStarting?: () => void,
): Promise<DefaultDatabase> {
  if (databaseUrl) {
    whileStarting?.();
    return { url: databaseUrl, embedded: undefined };
  }
  const embedded = await startEmbeddedPostgres({ dataDir: EMBEDDED_DATA_DIR, database: 'grading', persistent: true, whileStarting });
  try {
    await migrateDeploy(embedded.url);
  } catch (err) {
    await embedded.stop();
    throw err;
  }
  logger.info(
    { databaseUrl: embedded.url, dataDir: embedded.dataDir },
    'DATABASE_URL is not set: the embedded PostgreSQL is up and migrated',
  );
  return { url: embedded.url, embedded };
}
