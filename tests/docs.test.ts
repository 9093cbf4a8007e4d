// OpenAPI: /openapi.json is a valid OpenAPI 3.0 document generated from the routes, it has an
// operation for every route, and the contract check that every test runs (tests/helpers/contract.ts)
// really rejects what the document does not describe.
import SwaggerParser from '@apidevtools/swagger-parser';
import type { Server } from '@hapi/hapi';
import Joi from 'joi';
import { documented } from '../src/plugins/route';
import { int32 } from '../src/schemas/common';
import { UNDOCUMENTED_PLUGINS } from './helpers/contract';
import { json } from './helpers/fixtures';
import { createTestServer } from './helpers/server';

describe('API documentation', () => {
  let server: Server;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let spec: any;

  beforeAll(async () => {
    server = await createTestServer();
    const res = await server.inject('/openapi.json');
    expect(res.statusCode).toBe(200);
    spec = json(res);
  });

  afterAll(async () => {
    await server.stop();
  });

  test('the document is public and valid OpenAPI 3.0', async () => {
    await expect(SwaggerParser.validate(structuredClone(spec))).resolves.toBeDefined();
    expect(spec.openapi).toBe('3.0.0');
    expect(spec.info.title).toBe('Grading API');
  });

  test('the old Swagger 2.0 address redirects to it; the UI is public', async () => {
    const old = await server.inject('/swagger.json');
    expect(old.statusCode).toBe(301);
    expect(old.headers.location).toBe('/openapi.json');

    const ui = await server.inject('/documentation');
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
  });

  test('JWT bearer security, required except on public routes', () => {
    expect(spec.components.securitySchemes.jwt).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(spec.security).toEqual([{ jwt: [] }]);
    for (const path of ['/', '/ready', '/login', '/authenticate']) {
      const operation = spec.paths[path].get ?? spec.paths[path].post;
      expect({ path, security: operation.security }).toEqual({ path, security: [] });
    }
    expect(spec.paths['/courses'].get.security).toBeUndefined();
  });

  test('every route has an operation, and every operation a route', () => {
    const routes = server
      .table()
      .filter((route) => !UNDOCUMENTED_PLUGINS.has(route.realm.plugin ?? ''))
      .map((route) => `${route.method.toUpperCase()} ${route.path}`)
      .sort();
    const operations = Object.entries(spec.paths as Record<string, object>)
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(routes.length).toBeGreaterThan(30);
    expect(operations).toEqual(routes);
  });

  test('timestamps are date-times, nullable fields are nullable, schemas are named', () => {
    const { schemas } = spec.components;
    for (const [name, field] of [
      ['Course', 'createdAt'],
      ['Test', 'date'],
      ['Test', 'updatedAt'],
      ['User', 'updatedAt'],
      ['TestResult', 'createdAt'],
    ]) {
      expect({ name, field, schema: schemas[name].properties[field] }).toMatchObject({
        name,
        field,
        schema: { type: 'string', format: 'date-time' },
      });
    }
    for (const [name, field] of [
      ['User', 'firstName'],
      ['User', 'lastName'],
      ['User', 'social'],
      ['GradebookStudent', 'average'],
      ['TestStats', 'median'],
      ['TestResult', 'graderId'],
    ]) {
      expect({ name, field, nullable: schemas[name].properties[field].nullable }).toEqual({ name, field, nullable: true });
    }
    expect(Object.keys(schemas).filter((name) => /^Model\d+$/.test(name))).toEqual([]);
  });

  test('each operation documents its success and its errors with the Error schema; path parameters have examples', () => {
    for (const [path, item] of Object.entries(
      spec.paths as Record<
        string,
        Record<
          string,
          {
            responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
            parameters?: Array<{ in: string; example?: unknown }>;
          }
        >
      >,
    )) {
      for (const [method, operation] of Object.entries(item)) {
        const codes = Object.keys(operation.responses);
        expect({ path, method, success: codes.some((code) => /^2\d\d$/.test(code)) }).toEqual({ path, method, success: true });
        expect({ path, method, has500: codes.includes('500'), default: codes.includes('default') }).toEqual({
          path,
          method,
          has500: true,
          default: false,
        });
        for (const code of codes.filter((code) => Number(code) >= 400)) {
          expect({ path, method, code, schema: operation.responses[code].content?.['application/json; charset=utf-8']?.schema }).toEqual({
            path,
            method,
            code,
            schema: { $ref: '#/components/schemas/Error' },
          });
        }
        for (const parameter of (operation.parameters ?? []).filter((p) => p.in === 'path')) {
          expect(parameter.example).toBeDefined();
        }
      }
    }
    expect(Object.keys(spec.paths['/login'].post.responses)).toEqual(['200', '400', '413', '415', '429', '500', '503']);
    expect(Object.keys(spec.paths['/users/{userId}'].delete.responses)).toEqual(expect.arrayContaining(['204', '401', '403', '404']));
    expect(Object.keys(spec.paths['/metrics'].get.responses['200'].content)).toEqual(['text/plain; version=0.0.4; charset=utf-8']);
    expect(Object.keys(spec.paths['/courses/{courseId}/gradebook'].get.responses['200'].content)).toEqual([
      'application/json; charset=utf-8',
      'text/csv; charset=utf-8',
    ]);
    expect(spec.paths['/courses'].post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/CourseCreate',
    });
  });
});

describe('the contract check of every test', () => {
  let server: Server;

  beforeAll(async () => {
    server = await createTestServer();
    // Probe routes that break the document on purpose (JSON + CSV: Joi does not validate the body).
    server.route([
      {
        method: 'GET',
        path: '/probe/undocumented-status',
        options: { ...documented('status', { 200: 'OK' }, [], { public: true }) },
        handler: (_r, h) => h.response().code(202),
      },
      {
        method: 'GET',
        path: '/probe/wrong-body',
        options: {
          ...documented(
            'status',
            {
              200: {
                description: 'A count',
                schema: Joi.object({ count: int32.required() }).label('ProbeCount'),
                media: ['application/json', 'text/csv'],
              },
            },
            [],
            { public: true },
          ),
        },
        handler: () => ({ count: 'many' }),
      },
    ]);
  });

  afterAll(async () => {
    await server.stop();
  });

  test('an undocumented status fails the test that received it, naming route and status', async () => {
    await expect(server.inject('/probe/undocumented-status')).rejects.toThrow(
      /GET \/probe\/undocumented-status \(\/probe\/undocumented-status\) answered 202, a status the document does not list/,
    );
  });

  test('a body that does not match its schema fails, with the schema error', async () => {
    await expect(server.inject('/probe/wrong-body')).rejects.toThrow(
      /answered 200 with a body that does not match its schema: body\/count must be integer/,
    );
  });

  test('an unknown path answers a documented Error body', async () => {
    const res = await server.inject('/no/such/path');
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.payload)).toEqual({ statusCode: 404, error: 'Not Found', message: 'Not Found' });
  });
});
