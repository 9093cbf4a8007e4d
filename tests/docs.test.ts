// OpenAPI: /swagger.json is a valid Swagger 2.0 document generated from the routes' Joi schemas.
import SwaggerParser from '@apidevtools/swagger-parser';
import type { Server } from '@hapi/hapi';
import { json } from './helpers/fixtures';
import { createTestServer } from './helpers/server';

describe('API documentation', () => {
  let server: Server;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let spec: any;

  beforeAll(async () => {
    server = await createTestServer();
    const res = await server.inject('/swagger.json');
    expect(res.statusCode).toBe(200);
    spec = json(res);
  });

  afterAll(async () => {
    await server.stop();
  });

  test('the spec is public and valid', async () => {
    await expect(SwaggerParser.validate(structuredClone(spec))).resolves.toBeDefined();
    expect(spec.swagger).toBe('2.0');
    expect(spec.info.title).toBe('Grading API');
  });

  test('the UI is public', async () => {
    const res = await server.inject('/documentation');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });

  test('JWT security scheme: apiKey in the Authorization header, required except on public routes', () => {
    expect(spec.securityDefinitions).toEqual({ jwt: { type: 'apiKey', name: 'Authorization', in: 'header' } });
    expect(spec.security).toEqual([{ jwt: [] }]);
    expect(spec.paths['/ready'].get.security).toEqual([]);
    expect(spec.paths['/courses'].get.security).toBeUndefined();
  });

  test('the routes are documented with tags, descriptions, parameters and response codes', () => {
    const tagNames = spec.tags.map((tag: { name: string }) => tag.name);
    expect(tagNames).toEqual(expect.arrayContaining(['courses', 'enrollment', 'tests', 'test-results', 'reports', 'feedback']));

    const post = spec.paths['/courses/tests/{testId}/test-results'].post;
    expect(post.tags).toEqual(['test-results']);
    expect(post.summary ?? post.description).toMatch(/result/i);
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '404', '409']));
    const testId = post.parameters.find((p: { name: string }) => p.name === 'testId');
    expect(testId).toMatchObject({ in: 'path', type: 'integer', minimum: 1, maximum: 2147483647, required: true });

    const list = spec.paths['/courses'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['take', 'skip']));
    expect(Object.keys(list.responses)).toEqual(expect.arrayContaining(['200', '400', '401']));

    expect(Object.keys(spec.paths['/courses/{courseId}'].delete.responses)).toEqual(expect.arrayContaining(['204', '403', '404']));
    expect(spec.paths['/courses/{courseId}/gradebook'].get.produces).toEqual(['application/json', 'text/csv']);
  });

  test('every route of the domain is in the spec', () => {
    for (const path of [
      '/courses',
      '/courses/{courseId}',
      '/users/{userId}/courses',
      '/users/{userId}/courses/{courseId}',
      '/courses/{courseId}/tests',
      '/courses/tests/{testId}',
      '/courses/tests/{testId}/test-results',
      '/courses/tests/test-results/{testResultId}',
      '/users/{userId}/test-results',
      '/courses/tests/{testId}/stats',
      '/courses/{courseId}/gradebook',
      '/courses/{courseId}/feedback',
    ]) {
      expect(spec.paths[path]).toBeDefined();
    }
  });
});
