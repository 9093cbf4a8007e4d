// Prisma Client factory: the Rust-free client over a node-postgres pool (@prisma/adapter-pg).
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@prisma/client';
import type { Config } from '../config';

export type Db = PrismaClient;

export function createPrismaClient(databaseUrl: string, options: Config['db']): Db {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: options.poolSize,
    // Bounded waits so an outage answers 503 quickly instead of hanging requests.
    connectionTimeoutMillis: options.connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    query_timeout: options.statementTimeoutMs + 1000,
    idleTimeoutMillis: 30_000,
  });
  return new PrismaClient({ adapter });
}
