// The one error mapper, exercised through real Prisma calls on the real database.
import type { Server } from '@hapi/hapi';
import Joi from 'joi';
import { BODY_ERRORS, documented } from '../src/plugins/route';
import { int32 } from '../src/schemas/common';
import { createTestServer } from './helpers/server';

describe('error mapping', () => {
  let server: Server;
  const email = `dup-${Date.now()}@example.com`;

  beforeAll(async () => {
    server = await createTestServer();
    // Probe routes registered by the test only: they call Prisma the way services do, and are
    // documented like any route (the contract check validates their answers too).
    server.route([
      {
        method: 'POST',
        path: '/probe/users',
        options: {
          ...documented('status', { 201: Joi.object({ id: int32.required() }).label('ProbeUser') }, [...BODY_ERRORS, 409], {
            public: true,
          }),
          validate: { payload: Joi.object({ email: Joi.string().email().required() }).label('ProbeUserCreate') },
        },
        handler: async (request, h) => {
          const { email: address } = request.payload as { email: string };
          const user = await request.server.app.db.user.create({ data: { email: address }, select: { id: true } });
          return h.response(user).code(201);
        },
      },
      {
        method: 'PUT',
        path: '/probe/users/{id}',
        options: { ...documented('status', { 200: Joi.object().unknown(true).label('ProbeRow') }, [404], { public: true }) },
        handler: (request) => request.server.app.db.user.update({ where: { id: Number(request.params.id) }, data: { firstName: 'x' } }),
      },
      {
        method: 'GET',
        path: '/probe/bug',
        options: { ...documented('status', { 200: 'Never: this route always fails' }, [], { public: true }) },
        handler: () => {
          throw new Error('secret internal detail SELECT * FROM users');
        },
      },
    ]);
  });

  afterAll(async () => {
    await server.stop();
  });

  test('a unique violation is a 409', async () => {
    const first = await server.inject({ method: 'POST', url: '/probe/users', payload: { email } });
    expect(first.statusCode).toBe(201);
    const stored = await server.app.db.user.findUniqueOrThrow({ where: { email }, select: { id: true } });
    expect(JSON.parse(first.payload)).toEqual(stored);
    const second = await server.inject({ method: 'POST', url: '/probe/users', payload: { email } });
    expect(second.statusCode).toBe(409);
    expect(JSON.parse(second.payload)).toMatchObject({ statusCode: 409, error: 'Conflict' });
    expect(second.payload).toMatch(/email/);
  });

  test('a missing row is a 404 naming the resource, as the loaders word it', async () => {
    // What a PUT or DELETE meets when the row goes between the route's loader and its write.
    const res = await server.inject({ method: 'PUT', url: '/probe/users/2147483000' });
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.payload)).toMatchObject({ statusCode: 404, error: 'Not Found' });
    expect(JSON.parse(res.payload).message).toBe('User not found');
  });

  test('validation failures are a 400 naming the field', async () => {
    const res = await server.inject({ method: 'POST', url: '/probe/users', payload: { email: 'not-an-email' } });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.payload).message).toMatch(/"email" must be a valid email/);
  });

  test('malformed JSON is a 400', async () => {
    const res = await server.inject({
      method: 'POST',
      url: '/probe/users',
      payload: '{"email":',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.payload).message).toBe('Invalid request payload JSON format');
  });

  test('an unexpected error is a generic 500 with no detail', async () => {
    const res = await server.inject('/probe/bug');
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.payload)).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'An internal server error occurred',
    });
  });
});
