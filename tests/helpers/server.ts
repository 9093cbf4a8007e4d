// Builds a real server (real PostgreSQL, no mocks) for server.inject(). Every response a test
// receives through it is checked against the served OpenAPI document (tests/helpers/contract.ts).
import type { Server } from '@hapi/hapi';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@prisma/client';
import { loadConfig, type Config } from '../../src/config';
import { createServer, type ServerOptions } from '../../src/server';
import { withContract } from './contract';
import { startSendGridStandIn, type SendGridStandIn } from './sendgrid';

/** An explicit secret: tests never touch the checkout's generated .data/jwt-secret. */
const TEST_JWT_SECRET = 'test-only-jwt-secret-0123456789abcdef';

/**
 * Load shedding off unless a test asks for it (tests/overload.test.ts): a test server in production
 * mode on a busy machine must not answer 503 because its Jest worker was busy setting up.
 */
export function testConfig(env: NodeJS.ProcessEnv = {}): Config {
  return loadConfig({
    JWT_SECRET: TEST_JWT_SECRET,
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
    ...env,
  });
}

export async function createTestServer(env: NodeJS.ProcessEnv = {}, options: ServerOptions = {}): Promise<Server> {
  return withContract(await createServer(testConfig(env), options));
}

/**
 * A real server for the enclosing describe block: built before its tests, stopped after them.
 * Read `ctx.server` inside hooks and tests.
 */
export function useTestServer(env: NodeJS.ProcessEnv = {}): { readonly server: Server } {
  const ctx = {} as { server: Server };
  beforeAll(async () => {
    ctx.server = await createTestServer(env);
  });
  afterAll(() => ctx.server.stop());
  return ctx;
}

/**
 * useTestServer with email: the server sends through a local SendGrid stand-in (`ctx.sendgrid`, API
 * key 'SG.test-key'), whose mode is back to 'ok' after each test.
 */
export function useMailingServer(env: NodeJS.ProcessEnv = {}): { readonly server: Server; readonly sendgrid: SendGridStandIn } {
  const ctx = {} as { server: Server; sendgrid: SendGridStandIn };
  beforeAll(async () => {
    ctx.sendgrid = await startSendGridStandIn();
    ctx.server = await createTestServer({ SENDGRID_API_KEY: 'SG.test-key', SENDGRID_BASE_URL: ctx.sendgrid.baseUrl, ...env });
  });
  afterEach(() => {
    ctx.sendgrid.mode = 'ok';
  });
  afterAll(async () => {
    await ctx.server.stop();
    await ctx.sendgrid.close();
  });
  return ctx;
}

/** Like createTestServer, for a test that builds its own Config. */
export async function createContractServer(config: Config, options: ServerOptions = {}): Promise<Server> {
  return withContract(await createServer(config, options));
}

/** A server whose own Prisma client counts the SQL statements it sends (statement-count tests). */
export interface CountingServer {
  readonly server: Server;
  /** Runs `request`, expects `status`, and returns how many SQL statements this server sent meanwhile. */
  statementsFor(request: () => Promise<{ statusCode: number }>, status?: number): Promise<number>;
}

export async function createCountingServer(env: NodeJS.ProcessEnv = {}): Promise<CountingServer> {
  const config = testConfig(env);
  const db = new PrismaClient({
    adapter: new PrismaPg({ connectionString: config.databaseUrl as string }),
    log: [{ emit: 'event', level: 'query' }],
  });
  let statements = 0;
  db.$on('query', () => {
    statements++;
  });
  const server = await createContractServer(config, { db });
  return {
    server,
    async statementsFor(request, status = 200) {
      statements = 0;
      const res = await request();
      expect(res.statusCode).toBe(status);
      return statements;
    },
  };
}
