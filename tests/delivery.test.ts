// Heroku delivery files: app.json (the "Deploy to Heroku" button), Procfile and package.json.
import { readFileSync } from 'node:fs';
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
      env: Joi.object().pattern(Joi.string().pattern(/^[A-Z_][A-Z0-9_]*$/), envVar).required(),
      scripts: Joi.object(),
    });
    const app = JSON.parse(read('app.json'));
    expect(schema.validate(app).error).toBeUndefined();
    expect(app.env.JWT_SECRET.generator).toBe('secret');
    expect(app.env.NODE_ENV.value).toBe('production');
    expect(app.env.PGSSLMODE.value).toBe('no-verify');
    expect(app.addons.map((addon: { plan: string }) => addon.plan).join()).toMatch(/^heroku-postgresql:/);
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
    // Node directly (signals reach the app, no npm wrapper), with a heap cap that keeps a dyno's RSS low.
    expect(lines.web).toMatch(/^node --max-old-space-size=\d+ dist\/index\.js$/);
    expect(lines.release).toBe('npx prisma migrate deploy');
  });

  test('package.json pins Node and builds what the buildpack needs', () => {
    const pkg = JSON.parse(read('package.json'));
    expect(pkg.engines.node).toMatch(/^\d+\.x$/);
    expect(pkg.scripts.build).toMatch(/prisma generate/);
    expect(pkg.scripts.build).toMatch(/tsc/);
    // The release phase runs after devDependencies are pruned.
    expect(Object.keys(pkg.dependencies)).toEqual(expect.arrayContaining(['prisma', '@prisma/adapter-pg', 'pg']));
  });
});
