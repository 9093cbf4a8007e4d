// Applies committed migrations with the Prisma CLI (`prisma migrate deploy`), as production does.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const internals = {
  projectRoot: path.resolve(__dirname, '..', '..'),
  prismaCli: require.resolve('prisma/build/index.js'),
};

export async function migrateDeploy(databaseUrl: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [internals.prismaCli, 'migrate', 'deploy'], {
    cwd: internals.projectRoot,
    env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: '1' },
  });
  return stdout;
}
