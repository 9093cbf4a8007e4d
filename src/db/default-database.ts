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
export const EMBEDDED_DATA_DIR = path.resolve(__dirname, '..', '..', '.data', 'postgres');

export async function openDefaultDatabase(databaseUrl: string | undefined, logger: Logger): Promise<DefaultDatabase> {
  if (databaseUrl) {
    return { url: databaseUrl, embedded: undefined };
  }
  logger.info({ dataDir: EMBEDDED_DATA_DIR }, 'DATABASE_URL is not set: starting the embedded PostgreSQL');
  const embedded = await startEmbeddedPostgres({ dataDir: EMBEDDED_DATA_DIR, database: 'grading', persistent: true }).catch(
    (err: unknown) => {
      // The usual cause: another process (a running `npm start`) owns the directory.
      throw new Error(
        `Cannot start the embedded PostgreSQL in ${EMBEDDED_DATA_DIR} (is another npm start running?): ` +
          `${err instanceof Error ? err.message : String(err)}`,
      );
    },
  );
  await migrateDeploy(embedded.url);
  logger.info({ databaseUrl: embedded.url }, 'embedded PostgreSQL is up and migrated');
  return { url: embedded.url, embedded };
}
