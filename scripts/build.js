#!/usr/bin/env node
// Builds only what is out of date, quietly, so `npm start` with nothing changed starts at once.
//   node scripts/build.js generate       Prisma client + docs/ diagrams (postinstall)
//   node scripts/build.js                generate + compile, always (npm run build: CI, Heroku)
//   node scripts/build.js --if-changed   each step only when its inputs changed (prestart, pretest)
// A step's inputs are hashed (content, not timestamps: a fresh clone, `cp -a` or a checkout of an
// older commit must not fool it); the hash is recorded next to the step's output once it succeeds.
'use strict';
const { execFileSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const mode = process.argv[2] ?? 'all';
if (!['generate', 'all', '--if-changed'].includes(mode)) {
  process.stderr.write(`usage: node scripts/build.js [generate | --if-changed]\n`);
  process.exit(2);
}
const onlyIfChanged = mode === '--if-changed';

function filesUnder(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)]))
    .sort();
}

function hashOf(files) {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(path.relative(root, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

function upToDate(stampFile, hash) {
  try {
    return fs.readFileSync(stampFile, 'utf8') === hash;
  } catch {
    return false;
  }
}

function record(stampFile, hash) {
  fs.mkdirSync(path.dirname(stampFile), { recursive: true });
  fs.writeFileSync(stampFile, hash);
}

/** Runs a Node CLI from node_modules; its output is shown only if it fails. */
function run(label, cliModule, args) {
  let cli;
  try {
    cli = require.resolve(cliModule, { paths: [root] });
  } catch {
    process.stderr.write(
      `build: ${label} needs ${cliModule.split('/')[0]}, which is not installed: run npm install (with devDependencies).\n`,
    );
    process.exit(1);
  }
  try {
    execFileSync(process.execPath, [cli, ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CHECKPOINT_DISABLE: '1' },
    });
  } catch (err) {
    process.stderr.write(`build: ${label} failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    process.exit(1);
  }
}

// Step 1: the Prisma client (in node_modules) and the schema diagrams (docs/) from prisma/schema.prisma.
const prismaVersion = require(require.resolve('prisma/package.json', { paths: [root] })).version;
const schemaFiles = [path.join(root, 'prisma', 'schema.prisma'), path.join(root, 'prisma.config.ts')];
const schemaHash = hashOf(schemaFiles) + prismaVersion;
const schemaStamp = path.join(root, 'node_modules', '.cache', 'grading-api', 'prisma-generate.sha256');
if (!(onlyIfChanged && upToDate(schemaStamp, schemaHash))) {
  if (onlyIfChanged) {
    process.stderr.write('build: prisma/schema.prisma changed: generating the Prisma client\n');
  }
  run('prisma generate', 'prisma/build/index.js', ['generate', '--no-hints']);
  record(schemaStamp, schemaHash);
}
if (mode === 'generate') {
  process.exit(0);
}

// Step 2: dist/ from src/ (incremental: after a small change tsc recompiles little).
const distDir = path.join(root, 'dist');
const sourceFiles = [...filesUnder(path.join(root, 'src')), path.join(root, 'tsconfig.json'), ...schemaFiles];
const sourcesHash = hashOf(sourceFiles);
const sourcesStamp = path.join(distDir, '.sources.sha256');
if (onlyIfChanged && upToDate(sourcesStamp, sourcesHash) && fs.existsSync(path.join(distDir, 'index.js'))) {
  process.exit(0);
}
if (onlyIfChanged) {
  const first = !fs.existsSync(sourcesStamp);
  process.stderr.write(
    first ? 'build: compiling src/ into dist/ (once; later starts reuse it)\n' : 'build: src/ changed since the last build: compiling\n',
  );
}
run('tsc', 'typescript/bin/tsc', ['-p', '.', '--incremental', '--tsBuildInfoFile', path.join(distDir, '.tsbuildinfo')]);
record(sourcesStamp, sourcesHash);
