// docs/api.md, the API reference in the repository, generated from the served OpenAPI document:
// `npm run docs:api` writes it (and docs/openapi.json, the document itself); tests/api-reference.test.ts
// fails when either is stale.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { servedOpenApi } from './export-openapi';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Spec = any;
type Schema = any;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

const internals = {
  /** One table cell: no line breaks, no unescaped pipes. */
  cell(text: unknown): string {
    return String(text ?? '')
      .replace(/\r?\n/g, ' ')
      .replace(/\|/g, '\\|');
  },

  refName(ref: string): string {
    return ref.split('/').pop() as string;
  },

  anchor(name: string): string {
    return `schema-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  },

  /** A short type: `integer (int32)`, `[Course](#schema-course)[]`, `string (date-time), nullable`. */
  type(schema: Schema | undefined): string {
    if (!schema) {
      return '';
    }
    if (schema.$ref) {
      const name = internals.refName(schema.$ref);
      return `[${name}](#${internals.anchor(name)})`;
    }
    let out: string;
    if (schema.type === 'array') {
      out = `${internals.type(schema.items)}[]`;
    } else if (schema.type === 'object' && schema.additionalProperties && typeof schema.additionalProperties === 'object') {
      out = `map of ${internals.type(schema.additionalProperties)}`;
    } else {
      out = schema.type ?? 'any';
      if (schema.format) {
        out += ` (${schema.format})`;
      }
    }
    return schema.nullable ? `${out}, nullable` : out;
  },

  /** Bounds, patterns and enums of a schema, in words. */
  constraints(schema: Schema | undefined): string {
    if (!schema || schema.$ref) {
      return '';
    }
    const parts: string[] = [];
    if (schema.enum) {
      parts.push(`one of ${schema.enum.map((value: unknown) => `\`${String(value)}\``).join(', ')}`);
    }
    if (schema.minimum !== undefined || schema.maximum !== undefined) {
      parts.push(`${schema.minimum ?? '…'}–${schema.maximum ?? '…'}`);
    }
    if (schema.minLength !== undefined || schema.maxLength !== undefined) {
      parts.push(`length ${schema.minLength ?? 0}–${schema.maxLength ?? '…'}`);
    }
    if (schema.maxItems !== undefined) {
      parts.push(`at most ${schema.maxItems} items`);
    }
    if (schema.pattern) {
      parts.push(`pattern \`${schema.pattern}\``);
    }
    if (schema.default !== undefined) {
      parts.push(`default ${JSON.stringify(schema.default)}`);
    }
    return parts.join('; ');
  },

  operations(spec: Spec): Array<{ method: string; path: string; operation: Schema }> {
    return Object.entries(spec.paths as Record<string, Record<string, Schema>>)
      .flatMap(([route, item]) => Object.entries(item).map(([method, operation]) => ({ method, path: route, operation })))
      .sort((a, b) => a.path.localeCompare(b.path) || METHODS.indexOf(a.method) - METHODS.indexOf(b.method));
  },

  renderOperation(lines: string[], method: string, route: string, operation: Schema): void {
    lines.push(`### ${method.toUpperCase()} ${route}`, '');
    const summary: string = operation.summary ?? '';
    const description: string = operation.description ?? '';
    if (summary && !description.startsWith(summary)) {
      lines.push(`${summary}.`, '');
    }
    lines.push(description || summary, '');
    const parameters = (operation.parameters ?? []) as Schema[];
    if (parameters.length) {
      lines.push('| Parameter | In | Type | Required | Constraints | Description |', '|---|---|---|---|---|---|');
      for (const parameter of parameters) {
        lines.push(
          `| \`${parameter.name}\` | ${parameter.in} | ${internals.cell(internals.type(parameter.schema))} | ${parameter.required ? 'yes' : 'no'} | ${internals.cell(internals.constraints(parameter.schema))} | ${internals.cell(parameter.description ?? parameter.schema?.description)} |`,
        );
      }
      lines.push('');
    }
    for (const [type, media] of Object.entries((operation.requestBody?.content ?? {}) as Record<string, Schema>)) {
      lines.push(`Request body (\`${type}\`): ${internals.type(media.schema)}`, '');
    }
    lines.push('| Status | Meaning | Body |', '|---|---|---|');
    for (const [status, response] of Object.entries(operation.responses as Record<string, Schema>)) {
      const bodies = Object.entries((response.content ?? {}) as Record<string, Schema>).map(
        ([type, media]) => `${media.schema ? `${internals.type(media.schema)} ` : 'text '}(\`${type}\`)`,
      );
      lines.push(`| ${status} | ${internals.cell(response.description)} | ${internals.cell(bodies.join(' or ') || '—')} |`);
    }
    lines.push('');
  },

  renderSchema(lines: string[], name: string, schema: Schema): void {
    lines.push(`### ${name}`, '', `<a id="${internals.anchor(name)}"></a>`, '');
    if (schema.description) {
      lines.push(schema.description, '');
    }
    if (schema.type !== 'object' || !schema.properties) {
      const constraints = internals.constraints(schema);
      lines.push(`${internals.type(schema)}${constraints ? ` (${constraints})` : ''}`, '');
      return;
    }
    const required = new Set((schema.required ?? []) as string[]);
    lines.push('| Field | Type | Required | Constraints | Description |', '|---|---|---|---|---|');
    for (const [field, property] of Object.entries(schema.properties as Record<string, Schema>)) {
      lines.push(
        `| \`${field}\` | ${internals.cell(internals.type(property))} | ${required.has(field) ? 'yes' : 'no'} | ${internals.cell(internals.constraints(property))} | ${internals.cell(property.description)} |`,
      );
    }
    lines.push('');
  },
};

/** The Markdown reference of an OpenAPI 3.0 document: operations by tag, then the schemas. */
export function renderApiReference(spec: Spec): string {
  const lines: string[] = [
    `# ${spec.info.title} ${spec.info.version}: API reference`,
    '',
    '<!-- Generated from the OpenAPI document by `npm run docs:api` (scripts/api-reference.ts). Do not edit by hand. -->',
    '',
    spec.info.description,
    '',
    'The live document is `GET /openapi.json` (a copy: [openapi.json](openapi.json)); the interactive UI is `GET /documentation`. ' +
      'Every error answers the [Error](#schema-error) body.',
    '',
  ];
  const operations = internals.operations(spec);
  for (const tag of spec.tags as Array<{ name: string; description?: string }>) {
    const tagged = operations.filter(({ operation }) => (operation.tags ?? []).includes(tag.name));
    if (!tagged.length) {
      continue;
    }
    lines.push(`## ${tag.name}`, '');
    if (tag.description) {
      lines.push(tag.description, '');
    }
    for (const { method, path: route, operation } of tagged) {
      internals.renderOperation(lines, method, route, operation);
    }
  }
  lines.push('## Schemas', '');
  for (const [name, schema] of Object.entries((spec.components?.schemas ?? {}) as Record<string, Schema>).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    internals.renderSchema(lines, name, schema);
  }
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

export const DOCS_DIR = path.resolve(__dirname, '..', 'docs');

async function main(): Promise<void> {
  const spec = await servedOpenApi();
  await writeFile(path.join(DOCS_DIR, 'openapi.json'), `${JSON.stringify(spec, null, 2)}\n`);
  await writeFile(path.join(DOCS_DIR, 'api.md'), renderApiReference(spec));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
