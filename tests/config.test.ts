import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config';

/** A fresh place for the generated development secret (never the checkout's own .data/). */
const secretFile = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'sec-secret-')), '.data', 'jwt-secret');

describe('config', () => {
  test('defaults for development', () => {
    const config = loadConfig({}, { localJwtSecretFile: secretFile() });
    expect(config).toMatchObject({ env: 'development', host: '0.0.0.0', port: 3000, logLevel: 'info', adminEmails: [] });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.warnings.join()).toMatch(/JWT_SECRET/);
  });

  test('production without JWT_SECRET is refused', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: '' })).toThrow(/JWT_SECRET is required/);
  });

  test('production with a JWT_SECRET (and a SendGrid key) is accepted, with no warning', () => {
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), SENDGRID_API_KEY: 'SG.x' });
    expect(config.jwtSecret).toBe('x'.repeat(40));
    expect(config.warnings).toEqual([]);
  });

  test('without JWT_SECRET (not production): a random secret, generated once and kept with the local data (mode 600)', () => {
    const file = secretFile();
    const first = loadConfig({}, { localJwtSecretFile: file });
    expect(first.jwtSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.jwtSecret);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // Kept: a restart signs and verifies with the same secret, so sessions survive it.
    expect(loadConfig({ NODE_ENV: 'test' }, { localJwtSecretFile: file }).jwtSecret).toBe(first.jwtSecret);
    // Another checkout gets another secret: no constant anyone can read in the source.
    expect(loadConfig({}, { localJwtSecretFile: secretFile() }).jwtSecret).not.toBe(first.jwtSecret);
    // An explicit JWT_SECRET wins and writes nothing.
    const untouched = secretFile();
    expect(loadConfig({ JWT_SECRET: 'y'.repeat(40) }, { localJwtSecretFile: untouched }).jwtSecret).toBe('y'.repeat(40));
    expect(() => statSync(untouched)).toThrow();
  });

  test('production without SENDGRID_API_KEY: a loud warning that login tokens go to the log', () => {
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) });
    expect(config.warnings.join('\n')).toMatch(/SENDGRID_API_KEY.*login tokens.*log/is);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), SENDGRID_API_KEY: 'SG.x' }).warnings).toEqual([]);
  });

  test('invalid values name the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
  });

  test('several instances: LISTEN connection settings and the rate-limit key prefix', () => {
    const defaults = loadConfig({});
    expect(defaults.db.listener).toEqual({ heartbeatMs: 5000, timeoutMs: 2000, reconnectMaxMs: 5000 });
    expect(defaults.rateLimitKeyPrefix).toBe('rl');
    expect(defaults.databaseListenUrl).toBeUndefined();
    const set = loadConfig({
      DB_LISTENER_HEARTBEAT_MS: '1000',
      RATE_LIMIT_KEY_PREFIX: 'staging:rl',
      DATABASE_LISTEN_URL: 'postgresql://u@db.internal:5432/app',
    });
    expect(set.db.listener.heartbeatMs).toBe(1000);
    expect(set.rateLimitKeyPrefix).toBe('staging:rl');
    expect(set.databaseListenUrl).toBe('postgresql://u@db.internal:5432/app');
    expect(() => loadConfig({ DB_LISTENER_TIMEOUT_MS: '5' })).toThrow(/DB_LISTENER_TIMEOUT_MS/);
    expect(() => loadConfig({ RATE_LIMIT_KEY_PREFIX: 'has spaces' })).toThrow(/RATE_LIMIT_KEY_PREFIX/);
    expect(() => loadConfig({ DATABASE_LISTEN_URL: 'redis://x' })).toThrow(/DATABASE_LISTEN_URL/);
  });

  test('ADMIN_EMAILS is split, trimmed and lower-cased', () => {
    expect(loadConfig({ ADMIN_EMAILS: ' Ada@Example.com, ,bob@example.com ' }).adminEmails).toEqual(['ada@example.com', 'bob@example.com']);
  });

  test('the start entry exits 1 in production without JWT_SECRET, before touching a database', () => {
    const root = path.resolve(__dirname, '..');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH, NODE_ENV: 'production' },
      encoding: 'utf8',
      timeout: 20000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/JWT_SECRET is required/);
  });
});
