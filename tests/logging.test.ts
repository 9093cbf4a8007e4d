// Per-request logging: a completion line per request with LOG_REQUESTS (the default outside
// production), only server errors without it (production's default: Heroku's router logs each
// request). Errors are always logged, and never with a secret.
import { Writable } from 'node:stream';
import type { Server } from '@hapi/hapi';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { makeCourse } from './helpers/fixtures';
import { documented } from '../src/plugins/route';
import { createContractServer, testConfig } from './helpers/server';
import { createUser, type TestUser } from './helpers/users';

async function serverWithLog(env: NodeJS.ProcessEnv) {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      raw.push(chunk.toString());
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  const server = await createContractServer(testConfig(env), { logger: createLogger('info', sink) });
  // A route that fails the way a bug does, with a secret-looking message.
  server.route({
    method: 'GET',
    path: '/test-only/bug',
    options: { ...documented('status', { 200: 'Never: this route always fails' }, [], { public: true }) },
    handler: () => {
      throw new Error('unexpected failure');
    },
  });
  return { server, lines, raw };
}

describe('per-request logging', () => {
  test('defaults: request lines outside production, not in production', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).logRequests).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }).logRequests).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), LOG_REQUESTS: 'true' }).logRequests).toBe(true);
  });

  describe.each([
    ['LOG_REQUESTS=false', 'false', false],
    ['LOG_REQUESTS=true', 'true', true],
  ])('%s', (_name, value, successLines) => {
    let server: Server;
    let lines: Array<Record<string, unknown>>;
    let raw: string[];
    let user: TestUser;
    let course: number;

    beforeAll(async () => {
      ({ server, lines, raw } = await serverWithLog({ LOG_REQUESTS: value }));
      user = await createUser(server);
      course = await makeCourse(server);
    });

    afterAll(async () => {
      await server.stop();
    });

    const completions = (path: string) =>
      lines.filter((line) => String(line.msg).startsWith('[response]') && String(line.msg).includes(path));

    test(`a success ${successLines ? 'gets' : 'gets no'} completion line`, async () => {
      expect((await server.inject({ url: `/courses/${course}`, headers: user.headers })).statusCode).toBe(200);
      await new Promise((resolve) => setImmediate(resolve));
      expect(completions(`/courses/${course}`)).toHaveLength(successLines ? 1 : 0);
    });

    test('a server error is logged with its stack and a completion line; no JWT anywhere', async () => {
      const res = await server.inject({ url: '/test-only/bug', headers: user.headers });
      expect(res.statusCode).toBe(500);
      await new Promise((resolve) => setImmediate(resolve));
      const error = lines.find((line) => line.level === 50 && (line.err as { message?: string })?.message === 'unexpected failure');
      expect((error?.err as { stack?: string })?.stack).toMatch(/logging\.test\.ts/);
      expect(completions('/test-only/bug')).toHaveLength(1);
      expect(raw.join('')).not.toContain(user.jwt);
    });
  });
});
