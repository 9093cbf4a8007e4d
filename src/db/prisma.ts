// Prisma Client factory: the Rust-free client over a node-postgres pool (@prisma/adapter-pg).
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@prisma/client';
import { Pool } from 'pg';
import type { Config } from '../config';

export type Db = PrismaClient;

export interface Database {
  readonly db: Db;
  /** The pool behind the client, for metrics; closed by `db.$disconnect()`. */
  readonly pool: Pool;
}

export function connectDatabase(databaseUrl: string, options: Config['db']): Database {
  const pool = new Pool({
    connectionString: databaseUrl,
    max: options.poolSize,
    // Bounded waits so an outage answers 503 quickly instead of hanging requests.
    connectionTimeoutMillis: options.connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    query_timeout: options.statementTimeoutMs + 1000,
    idleTimeoutMillis: 30_000,
  });
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  return { db: new PrismaClient({ adapter }), pool };
}
