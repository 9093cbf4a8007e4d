// A payload of the wrong shape is refused with a message naming its schema, never `"value" ...`.
import type { Server } from '@hapi/hapi';
import { json } from './helpers/fixtures';
import { createTestServer } from './helpers/server';
import { createUser, type TestUser } from './helpers/users';

describe('validation messages name the payload schema', () => {
  let server: Server;
  let admin: TestUser;

  beforeAll(async () => {
    server = await createTestServer();
    admin = await createUser(server, { isAdmin: true });
  });

  afterAll(async () => {
    await server.stop();
  });

  // Validation runs after authentication and before any `pre`, so an admin with id 1 everywhere reaches it.
  const notAnObject = (method: string, url: string) =>
    server.inject({ method, url, payload: '"not an object"', headers: { ...admin.headers, 'content-type': 'application/json' } });

  test.each([
    ['POST', '/users', 'UserCreate'],
    ['PUT', '/users/1', 'UserUpdate'],
    ['POST', '/login', 'LoginRequest'],
    ['POST', '/authenticate', 'AuthenticateRequest'],
  ])('%s %s says "%s" must be of type object', async (method, url, label) => {
    const res = await notAnObject(method, url);
    expect(res.statusCode).toBe(400);
    expect(json(res).message).toBe(`"${label}" must be of type object`);
  });

  test('every route with a payload schema names it', async () => {
    const routes = server.table().filter((route) => route.settings.validate?.payload);
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const route of routes) {
      const res = await notAnObject(route.method, route.path.replace(/\{\w+\}/g, '1'));
      expect({ route: `${route.method} ${route.path}`, status: res.statusCode }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 400,
      });
      // Bulk grading's body is an array (of rows), every other payload an object.
      expect(json(res).message).toMatch(/^"[A-Z]\w+" must be (of type object|an array\b.*)$/);
    }
  });
});
