// Applies committed migrations with the Prisma CLI (`prisma migrate deploy`), as production does.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const internals = {
  projectRoot: path.resolve(__dirname, '..', '..'),
  prismaCli: require.resolve('prisma/build/index.js'),

  prisma(databaseUrl: string, ...args: string[]) {
    return promisify(execFile)(process.execPath, [internals.prismaCli, ...args], {
      cwd: internals.projectRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: '1' },
    });
  },
};

/** `prisma migrate status` exits 0 only when every committed migration is applied. */
export async function isMigrated(databaseUrl: string): Promise<boolean> {
  try {
    await internals.prisma(databaseUrl, 'migrate', 'status');
    return true;
  } catch {
    return false;
  }
}

export async function migrateDeploy(databaseUrl: string): Promise<void> {
  // A restart usually has nothing to apply: `migrate status` answers that without taking the
  // migration lock that `migrate deploy` takes.
  if (await isMigrated(databaseUrl)) {
    return;
  }
  await internals.prisma(databaseUrl, 'migrate', 'deploy');
}
