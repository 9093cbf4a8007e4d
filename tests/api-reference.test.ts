// The committed API reference (docs/api.md) and OpenAPI copy (docs/openapi.json) must match the
// document the server serves now. Fix a failure with `npm run docs:api` and commit docs/.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { renderApiReference } from '../scripts/api-reference';
import { json } from './helpers/fixtures';
import { useTestServer } from './helpers/server';

describe('API reference in docs/', () => {
  const ctx = useTestServer();

  test('docs/openapi.json and docs/api.md are up to date with the served document', async () => {
    const spec = json(await ctx.server.inject('/openapi.json'));
    const docs = path.resolve(__dirname, '..', 'docs');
    const [committedSpec, committedReference] = await Promise.all([
      readFile(path.join(docs, 'openapi.json'), 'utf8'),
      readFile(path.join(docs, 'api.md'), 'utf8'),
    ]);
    // Only line endings are normalized (a Windows checkout); the message names the command that fixes it.
    const fix = 'run `npm run docs:api` and commit docs/';
    expect({ fix, spec: JSON.parse(committedSpec) }).toEqual({ fix, spec });
    expect({ fix, reference: committedReference.replace(/\r\n/g, '\n') }).toEqual({ fix, reference: renderApiReference(spec) });
  });

  test('the reference covers every operation and every schema', () => {
    const spec = JSON.parse(readFileSync(path.resolve(__dirname, '..', 'docs', 'openapi.json'), 'utf8'));
    const reference = renderApiReference(spec);
    for (const [route, item] of Object.entries(spec.paths as Record<string, object>)) {
      for (const method of Object.keys(item)) {
        expect(reference).toContain(`### ${method.toUpperCase()} ${route}\n`);
      }
    }
    for (const name of Object.keys(spec.components.schemas)) {
      expect(reference).toContain(`<a id="schema-${name.toLowerCase()}"></a>`);
    }
  });
});
