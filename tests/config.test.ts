import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config';

describe('config', () => {
  test('defaults for development', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ env: 'development', host: '0.0.0.0', port: 3000, logLevel: 'info', adminEmails: [] });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.warnings.join()).toMatch(/JWT_SECRET/);
  });

  test('production without JWT_SECRET is refused', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: '' })).toThrow(/JWT_SECRET is required/);
  });

  test('production with a JWT_SECRET is accepted, with no warning', () => {
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) });
    expect(config.jwtSecret).toBe('x'.repeat(40));
    expect(config.warnings).toEqual([]);
  });

  test('invalid values name the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
  });

  test('ADMIN_EMAILS is split, trimmed and lower-cased', () => {
    expect(loadConfig({ ADMIN_EMAILS: ' Ada@Example.com, ,bob@example.com ' }).adminEmails).toEqual([
      'ada@example.com',
      'bob@example.com',
    ]);
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
