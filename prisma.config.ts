// Prisma CLI configuration: the JavaScript (WebAssembly) schema engine talks to PostgreSQL
// through @prisma/adapter-pg, so migrate/generate/seed never download a native binary.
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';
import { Client } from 'pg';

// `prisma generate` needs no database, but the 6.19 CLI falls back to downloading the native
// query engine when the datasource url cannot be resolved: give it a placeholder.
if (!process.env.DATABASE_URL && process.argv.includes('generate')) {
  process.env.DATABASE_URL = 'postgresql://localhost/generate-only';
}

const internals = {
  shadowCount: 0,

  databaseUrl(): string {
    const url = process.env.DATABASE_URL;
    if (!url) {
      throw new Error('DATABASE_URL is not set (npm start and npm test set it for the embedded database)');
    }
    return url;
  },

  // Runs one statement on the maintenance connection of the main database's server.
  async admin(url: string, sql: string): Promise<void> {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  },

  // The stock connectToShadowDb() reuses the main connectionString (so the shadow database is the
  // main one) and drops the shadow database before closing its pool. This one does it in order.
  withShadowDatabase(factory: PrismaPg, url: string) {
    return Object.assign(factory, {
      async connectToShadowDb() {
        const name = `prisma_shadow_${process.pid}_${++internals.shadowCount}`;
        await internals.admin(url, `CREATE DATABASE "${name}"`);
        const shadowUrl = new URL(url);
        shadowUrl.pathname = `/${name}`;
        const adapter = await new PrismaPg({ connectionString: shadowUrl.toString(), allowExitOnIdle: true }).connect();
        const dispose = adapter.dispose.bind(adapter);
        adapter.dispose = async () => {
          await dispose();
          await internals.admin(url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        };
        return adapter;
      },
    });
  },
};

export default defineConfig({
  experimental: { adapter: true, studio: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: {
    path: 'prisma/migrations',
    // `prisma db seed` (and `migrate reset`, unless --skip-seed). The compiled build, not tsx: it runs
    // where devDependencies are pruned (Heroku); `npm run db:seed` builds first.
    seed: 'node dist/db/seed-cli.js',
  },
  // Prisma Studio talks to the database through the same adapter (no native engine either).
  studio: {
    adapter: async () => new PrismaPg({ connectionString: internals.databaseUrl(), allowExitOnIdle: true }),
  },
  async adapter() {
    const url = internals.databaseUrl();
    // allowExitOnIdle: the CLI does not close the pool, which would keep it alive for idleTimeoutMillis.
    return internals.withShadowDatabase(new PrismaPg({ connectionString: url, allowExitOnIdle: true }), url);
  },
});
