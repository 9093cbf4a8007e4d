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

  // Found by fuzzing: an unknown key is echoed in the message and in validation.keys; a 5,000-character
  // key of NULs made the 400 longer than the documented Error schema allows (the contract check failed).
  test('a pathological key is echoed clipped: the 400 still fits the documented Error schema', async () => {
    const key = '\u0000'.repeat(5000);
    const res = await server.inject({
      method: 'PUT',
      url: `/users/${admin.id}`,
      payload: JSON.stringify({ firstName: 'Renamed', social: { [key]: 'x' } }),
      headers: { ...admin.headers, 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    const body = json(res);
    expect(body.message).toMatch(/^"social\./);
    expect(body.message.length).toBeLessThanOrEqual(500);
    expect(body.validation.keys[0]).toMatch(/^social\./);
    expect(body.validation.keys[0].length).toBeLessThanOrEqual(200);
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
