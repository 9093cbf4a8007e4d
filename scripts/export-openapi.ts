// Writes the served OpenAPI document (GET /openapi.json) without a database or a listening port:
// `tsx scripts/export-openapi.ts [--out file]` (stdout without --out). Spectral and the API
// reference generator read it.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { createServer } from '../src/server';

export async function servedOpenApi(): Promise<unknown> {
  // Prisma connects lazily and GET /openapi.json queries nothing: the URL only has to be well-formed.
  // An explicit JWT secret: without one the server would write .data/jwt-secret into the checkout.
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: 'postgresql://unused@127.0.0.1:1/unused',
    REDIS_URL: '',
    JWT_SECRET: 'openapi-export-only-secret-0123456789',
  });
  const server = await createServer(config);
  try {
    const res = await server.inject('/openapi.json');
    if (res.statusCode !== 200) {
      throw new Error(`GET /openapi.json answered ${res.statusCode}`);
    }
    return JSON.parse(res.payload);
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const text = `${JSON.stringify(await servedOpenApi(), null, 2)}\n`;
  const out = process.argv.indexOf('--out');
  if (out === -1) {
    process.stdout.write(text);
    return;
  }
  const file = process.argv[out + 1];
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
