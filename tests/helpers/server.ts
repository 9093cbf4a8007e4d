// Builds a real server (real PostgreSQL, no mocks) for server.inject().
import type { Server } from '@hapi/hapi';
import { loadConfig, type Config } from '../../src/config';
import { createServer } from '../../src/server';

/** An explicit secret: tests never touch the checkout's generated .data/jwt-secret. */
const TEST_JWT_SECRET = 'test-only-jwt-secret-0123456789abcdef';

export function testConfig(env: NodeJS.ProcessEnv = {}): Config {
  return loadConfig({ JWT_SECRET: TEST_JWT_SECRET, ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
}

export async function createTestServer(env: NodeJS.ProcessEnv = {}): Promise<Server> {
  return createServer(testConfig(env));
}
