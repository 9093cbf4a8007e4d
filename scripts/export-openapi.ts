// Prints the served OpenAPI document (GET /openapi.json) without a database or a listening port:
// `npm run openapi:export > openapi.json`. Spectral, the API reference generator and CI read it.
import { loadConfig } from '../src/config';
import { createServer } from '../src/server';

async function main(): Promise<void> {
  // Prisma connects lazily and nothing here queries: the URL only has to be well-formed.
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: 'postgresql://unused@127.0.0.1:1/unused', REDIS_URL: '' });
  const server = await createServer(config);
  const res = await server.inject({ url: process.argv[2] ?? '/openapi.json', headers: { host: 'localhost:3000' } });
  await server.stop();
  if (res.statusCode !== 200) {
    throw new Error(`GET ${process.argv[2]} answered ${res.statusCode}`);
  }
  process.stdout.write(`${JSON.stringify(JSON.parse(res.payload), null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
