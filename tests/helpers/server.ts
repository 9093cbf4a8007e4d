// Builds a real server (real PostgreSQL, no mocks) for server.inject().
import type { Server } from '@hapi/hapi';
import { loadConfig, type Config } from '../../src/config';
import { createServer } from '../../src/server';

export function testConfig(env: NodeJS.ProcessEnv = {}): Config {
  return loadConfig({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
}

export async function createTestServer(env: NodeJS.ProcessEnv = {}): Promise<Server> {
  return createServer(testConfig(env));
}
