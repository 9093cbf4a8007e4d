// Heroku delivery files: app.json (the "Deploy to Heroku" button), Procfile and package.json.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Joi from 'joi';

const root = path.resolve(__dirname, '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

describe('delivery files', () => {
  test('app.json follows the app.json schema and provisions what production needs', () => {
    const envVar = Joi.object({
      description: Joi.string().min(10).required(),
      value: Joi.string(),
      generator: Joi.string().valid('secret'),
      required: Joi.boolean(),
    });
    const schema = Joi.object({
      name: Joi.string().max(30).required(),
      description: Joi.string().required(),
      keywords: Joi.array().items(Joi.string()),
      repository: Joi.string().uri(),
      success_url: Joi.string().pattern(/^\//),
      stack: Joi.string(),
      buildpacks: Joi.array().items(Joi.object({ url: Joi.string().required() })),
      formation: Joi.object().pattern(Joi.string(), Joi.object({ quantity: Joi.number().integer().min(0), size: Joi.string() })),
      addons: Joi.array().items(Joi.alternatives(Joi.string(), Joi.object({ plan: Joi.string().required(), as: Joi.string() }))),
      env: Joi.object()
        .pattern(Joi.string().pattern(/^[A-Z_][A-Z0-9_]*$/), envVar)
        .required(),
      scripts: Joi.object(),
    });
    const app = JSON.parse(read('app.json'));
    expect(schema.validate(app).error).toBeUndefined();
    expect(app.env.JWT_SECRET.generator).toBe('secret');
    expect(app.env.NODE_ENV.value).toBe('production');
    expect(app.env.PGSSLMODE.value).toBe('no-verify');
    expect(app.addons.map((addon: { plan: string }) => addon.plan).join()).toMatch(/^heroku-postgresql:/);
    // No placeholder URL: the button page links to whatever is here.
    expect(app.repository).toBeUndefined();
    // Every variable the config module reads is documented for the button (DATABASE_URL comes from the add-on).
    for (const name of ['SENDGRID_API_KEY', 'EMAIL_FROM', 'ADMIN_EMAILS', 'REDIS_URL', 'DB_POOL_SIZE', 'TRUST_PROXY']) {
      expect(app.env).toHaveProperty(name);
    }
  });

  test('Procfile: web binds PORT through the app, release runs the production migrations', () => {
    const lines = Object.fromEntries(
      read('Procfile')
        .trim()
        .split('\n')
        .map((line) => line.split(/:\s*(.*)/s).slice(0, 2)),
    );
    expect(Object.keys(lines)).toEqual(['web', 'release']);
    // Node directly (signals reach the app, no npm wrapper), with heap caps that keep a dyno's RSS low
    // (old space; young generation: see docs/performance.md).
    expect(lines.web).toMatch(/^node --max-old-space-size=\d+ --max-semi-space-size=\d+ dist\/index\.js$/);
    expect(lines.release).toBe('npx prisma migrate deploy');
  });

  test('package.json pins the Heroku Node line, and the second Node run of CI uses the same major', () => {
    const pkg = JSON.parse(read('package.json'));
    expect(pkg.engines.node).toBe('24.x');
    const ciVersion = /NODE_CI_VERSION:-(\d+)\.\d+\.\d+/.exec(read('.ci/with-node'));
    expect(ciVersion?.[1]).toBe('24');
    // Node 20 can still install (npm warns about the engine instead of refusing).
    expect(read('.npmrc')).toMatch(/^engine-strict=false$/m);
    // `npm run build` (Heroku's build step) generates the Prisma client and compiles, unconditionally.
    expect(pkg.scripts.build).toBe('node scripts/build.js');
    expect(read('scripts/build.js')).toMatch(/\['generate', '--no-hints'\]/);
    expect(read('scripts/build.js')).toMatch(/'typescript\/bin\/tsc'/);
    // The release phase runs after devDependencies are pruned.
    expect(Object.keys(pkg.dependencies)).toEqual(expect.arrayContaining(['prisma', '@prisma/adapter-pg', 'pg']));
  });

  test('the workflow pins every action to a commit SHA and takes Node from engines.node', () => {
    const workflow = read('.github/workflows/ci.yml');
    const uses = [...workflow.matchAll(/uses:\s*(\S+)(.*)/g)];
    expect(uses.length).toBeGreaterThan(0);
    for (const [, action, comment] of uses) {
      expect({ action, pinned: /@[0-9a-f]{40}$/.test(action), version: /#\s*v\d+\.\d+\.\d+/.test(comment) }).toEqual({
        action,
        pinned: true,
        version: true,
      });
    }
    expect(workflow).not.toMatch(/node-version:/);
    expect(workflow.match(/node-version-file: package\.json/g)).toHaveLength(2);
  });

  test('Dependabot watches npm and the GitHub Actions', () => {
    const config = read('.github/dependabot.yml');
    expect(config).toMatch(/package-ecosystem: npm/);
    expect(config).toMatch(/package-ecosystem: github-actions/);
  });

  // Heroku prunes devDependencies after the build: a package that src/ imports but that is only a
  // devDependency crashes the dyno at start (csv-parse did; the release rehearsal caught it).
  test('every package src/ imports is a production dependency', () => {
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    const sources = (dir: string): string[] =>
      readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? sources(path.join(dir, entry.name)) : entry.name.endsWith('.ts') ? [path.join(dir, entry.name)] : [],
      );
    const imported = new Set<string>();
    for (const file of sources('src')) {
      for (const [, specifier] of read(file).matchAll(/(?:from|import\(|require\()\s*'([^'.][^']*)'/g)) {
        if (!specifier.startsWith('node:')) {
          const parts = specifier.split('/');
          imported.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
        }
      }
    }
    expect(imported.size).toBeGreaterThan(10);
    const devOnly = [...imported].filter((name) => !(name in pkg.dependencies));
    expect(devOnly).toEqual([]);
  });
});
