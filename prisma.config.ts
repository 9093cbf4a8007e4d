// Prisma CLI configuration: the JavaScript (WebAssembly) schema engine talks to PostgreSQL
// through @prisma/adapter-pg, so migrate/generate/seed never download a native binary.
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';
// A relative import of src/: the slug holds src/, and the CLI's loader compiles it like this file.
import { createScratchDatabase } from './src/db/scratch-database';

// `prisma generate` needs no database, but the 6.19 CLI falls back to downloading the native
// query engine when the datasource url cannot be resolved: give it a placeholder.
if (!process.env.DATABASE_URL && process.argv.includes('generate')) {
  process.env.DATABASE_URL = 'postgresql://localhost/generate-only';
}

const internals = {
  databaseUrl(): string {
    const url = process.env.DATABASE_URL;
    if (!url) {
      throw new Error('DATABASE_URL is not set (npm start and npm test set it for the embedded database)');
    }
    return url;
  },

  // The stock connectToShadowDb() reuses the main connectionString (so the shadow database is the
  // main one) and drops the shadow database before closing its pool. This one does it in order:
  // a new database on the main database's server, dropped after its pool is closed.
  withShadowDatabase(factory: PrismaPg, url: string) {
    return Object.assign(factory, {
      async connectToShadowDb() {
        const shadow = await createScratchDatabase(url, 'prisma_shadow');
        const adapter = await new PrismaPg({ connectionString: shadow.url, allowExitOnIdle: true }).connect();
        const dispose = adapter.dispose.bind(adapter);
        adapter.dispose = async () => {
          await dispose();
          await shadow.drop();
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
