// The JWT secret of a checkout that has no JWT_SECRET (development, tests): random, generated on
// first start and kept with the local data, so restarts keep sessions valid. Never a constant in the
// source: anyone could sign {tokenId: n} with that and be every logged-in user.
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Next to the embedded database's data (.data/ at the project root, git-ignored). */
export const LOCAL_JWT_SECRET_FILE = path.resolve(__dirname, '..', '..', '.data', 'jwt-secret');

export function loadOrCreateLocalSecret(file: string): string {
  const existing = readSecret(file);
  if (existing) {
    return existing;
  }
  // .data/ also holds the embedded PostgreSQL, whose unprivileged user must be able to enter it: 755.
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
  const secret = randomBytes(32).toString('hex');
  // Written aside, then linked into place: two processes starting at once agree on one secret, and
  // nobody ever reads a half-written file.
  const draft = `${file}.${process.pid}.${Date.now()}`;
  writeFileSync(draft, `${secret}\n`, { mode: 0o600 });
  try {
    linkSync(draft, file);
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw err;
    }
    return readSecret(file) ?? secret;
  } finally {
    unlinkSync(draft);
  }
}

function readSecret(file: string): string | undefined {
  try {
    const secret = readFileSync(file, 'utf8').trim();
    return secret.length >= 32 ? secret : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw err;
  }
}
