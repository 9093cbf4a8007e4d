// The committed schema diagrams (docs/schema.dbml, docs/ERD.md) must match prisma/schema.prisma:
// regenerate them into a temporary directory with only the diagram generators and compare.
// Fix a failure with `npx prisma generate` (or `npm run build`) and commit docs/.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const internals = {
  root: path.resolve(__dirname, '..'),
  // generator name in schema.prisma → its committed output (the path given as `output`, relative to prisma/).
  diagrams: [
    { generator: 'dbml', output: '../docs', file: 'schema.dbml' },
    { generator: 'markdown', output: '../docs/ERD.md', file: 'ERD.md' },
  ],
};

describe('schema diagrams', () => {
  let tmp: string;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'schema-diagram-'));
  });

  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  test('docs/schema.dbml and docs/ERD.md are up to date with prisma/schema.prisma', async () => {
    let schema = await readFile(path.join(internals.root, 'prisma', 'schema.prisma'), 'utf8');
    for (const { output, file } of internals.diagrams) {
      const line = `output   = "${output}"`;
      expect(schema).toContain(line);
      const target = output.endsWith('.md') ? path.join(tmp, 'out', file) : path.join(tmp, 'out');
      schema = schema.replace(line, `output   = ${JSON.stringify(target)}`);
    }
    const schemaPath = path.join(tmp, 'schema.prisma');
    await writeFile(schemaPath, schema);

    const generators = internals.diagrams.flatMap(({ generator }) => ['--generator', generator]);
    await promisify(execFile)(
      process.execPath,
      [require.resolve('prisma/build/index.js'), 'generate', '--schema', schemaPath, ...generators],
      {
        // cwd: prisma.config.ts (engine, placeholder DATABASE_URL); PATH: the generators' bins.
        cwd: internals.root,
        env: {
          ...process.env,
          CHECKPOINT_DISABLE: '1',
          PATH: [path.join(internals.root, 'node_modules', '.bin'), process.env.PATH].join(path.delimiter),
        },
      },
    );

    for (const { file } of internals.diagrams) {
      const [fresh, committed] = await Promise.all([
        readFile(path.join(tmp, 'out', file), 'utf8'),
        readFile(path.join(internals.root, 'docs', file), 'utf8'),
      ]);
      // Neither generator writes a timestamp; only line endings are normalized (a Windows checkout).
      expect({ file, content: committed.replace(/\r\n/g, '\n') }).toEqual({ file, content: fresh.replace(/\r\n/g, '\n') });
    }
  });
});
