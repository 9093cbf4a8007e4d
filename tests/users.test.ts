import type { Server } from '@hapi/hapi';
import { json, makeWorld, type World } from './helpers/fixtures';
import { createTestServer } from './helpers/server';
import { createUser, uniqueEmail, type TestUser } from './helpers/users';

describe('users', () => {
  let server: Server;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    server = await createTestServer();
    [admin, alice, bob] = await Promise.all([createUser(server, { isAdmin: true }), createUser(server), createUser(server)]);
  });

  afterAll(async () => {
    await server.stop();
  });

  test('GET /profile is the caller, without any token data', async () => {
    const res = await server.inject({ url: '/profile', headers: alice.headers });
    expect(res.statusCode).toBe(200);
    const body = json(res);
    expect(body).toMatchObject({ id: alice.id, email: alice.email, isAdmin: false });
    expect(Object.keys(body).sort()).toEqual([
      'createdAt',
      'email',
      'firstName',
      'id',
      'isAdmin',
      'lastName',
      'pendingEmail',
      'social',
      'updatedAt',
    ]);
    expect((await server.inject('/profile')).statusCode).toBe(401);
  });

  test('GET /users: admin only, paginated by id', async () => {
    const refused = await server.inject({ url: '/users', headers: alice.headers });
    expect(refused.statusCode).toBe(403);
    expect(json(refused).message).toBe('Not allowed: admin only');
    const page = await server.inject({ url: '/users?take=2&skip=1', headers: admin.headers });
    expect(page.statusCode).toBe(200);
    const all = json(await server.inject({ url: '/users', headers: admin.headers }));
    expect(json(page)).toEqual(all.slice(1, 3));
    expect(all.map((user: { id: number }) => user.id)).toEqual([...all.map((user: { id: number }) => user.id)].sort((a, b) => a - b));
    const tooMany = await server.inject({ url: '/users?take=101', headers: admin.headers });
    expect(tooMany.statusCode).toBe(400);
    expect(json(tooMany).message).toBe('"take" must be less than or equal to 100');
    const negative = await server.inject({ url: '/users?skip=-1', headers: admin.headers });
    expect(negative.statusCode).toBe(400);
    expect(json(negative).message).toBe('"skip" must be greater than or equal to 0');
  });

  test('POST /users: admin creates (201), a duplicate email is 409, isAdmin is not accepted', async () => {
    const email = uniqueEmail('new');
    const payload = { email: email.toUpperCase(), firstName: 'Grace', lastName: 'Hopper', social: { github: 'grace' } };
    const refused = await server.inject({ method: 'POST', url: '/users', payload, headers: alice.headers });
    expect(refused.statusCode).toBe(403);
    expect(json(refused).message).toBe('Not allowed: admin only');
    const created = await server.inject({ method: 'POST', url: '/users', payload, headers: admin.headers });
    expect(created.statusCode).toBe(201);
    expect(json(created)).toMatchObject({ email, firstName: 'Grace', social: { github: 'grace' }, isAdmin: false });
    const duplicate = await server.inject({ method: 'POST', url: '/users', payload: { email }, headers: admin.headers });
    expect(duplicate.statusCode).toBe(409);
    expect(json(duplicate)).toMatchObject({ error: 'Conflict', message: 'Conflict: a record with the same email already exists' });
    const escalation = await server.inject({
      method: 'POST',
      url: '/users',
      payload: { email: uniqueEmail(), isAdmin: true },
      headers: admin.headers,
    });
    expect(escalation.statusCode).toBe(400);
    expect(json(escalation).message).toMatch(/isAdmin/);
  });

  test('GET /users/{id}: self or admin; 404 before 403; 400 for bad ids', async () => {
    for (const caller of [alice, admin]) {
      const res = await server.inject({ url: `/users/${alice.id}`, headers: caller.headers });
      expect(res.statusCode).toBe(200);
      expect(json(res)).toMatchObject({ id: alice.id, email: alice.email, isAdmin: false });
    }
    const other = await server.inject({ url: `/users/${bob.id}`, headers: alice.headers });
    expect(other.statusCode).toBe(403);
    expect(json(other).message).toBe('Not allowed: only for yourself');
    const unknown = await server.inject({ url: '/users/2147483647', headers: alice.headers });
    expect(unknown.statusCode).toBe(404);
    expect(json(unknown).message).toBe('User not found');
    for (const bad of ['2147483648', '0', '-1', 'abc', '1.5', '99999999999999999999']) {
      const res = await server.inject({ url: `/users/${bad}`, headers: alice.headers });
      expect({ bad, status: res.statusCode }).toEqual({ bad, status: 400 });
      expect({ bad, message: json(res).message }).toEqual({ bad, message: expect.stringMatching(/^"userId" must be/) });
    }
    expect((await server.inject({ url: `/users/${alice.id}` })).statusCode).toBe(401);
  });

  test('PUT /users/{id}: updates names and email; 409 on a taken email; isAdmin never settable', async () => {
    const res = await server.inject({
      method: 'PUT',
      url: `/users/${alice.id}`,
      payload: { firstName: 'Alice', social: { web: 'https://a.example' } },
      headers: alice.headers,
    });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ id: alice.id, firstName: 'Alice', social: { web: 'https://a.example' } });
    const taken = await server.inject({ method: 'PUT', url: `/users/${alice.id}`, payload: { email: bob.email }, headers: alice.headers });
    expect(taken.statusCode).toBe(409);
    expect(json(taken).message).toBe('Conflict: a record with the same email already exists');
    const escalate = await server.inject({ method: 'PUT', url: `/users/${alice.id}`, payload: { isAdmin: true }, headers: alice.headers });
    expect(escalate.statusCode).toBe(400);
    expect(json(escalate).message).toMatch(/"isAdmin" is not allowed/);
    expect(json(await server.inject({ url: '/profile', headers: alice.headers })).isAdmin).toBe(false);
    const other = await server.inject({ method: 'PUT', url: `/users/${bob.id}`, payload: { firstName: 'x' }, headers: alice.headers });
    expect(other.statusCode).toBe(403);
    expect(json(other).message).toBe('Not allowed: only for yourself');
    const empty = await server.inject({ method: 'PUT', url: `/users/${alice.id}`, payload: {}, headers: alice.headers });
    expect(empty.statusCode).toBe(400);
    expect(json(empty).message).toMatch(/must have at least 1 key/);
    const long = await server.inject({
      method: 'PUT',
      url: `/users/${alice.id}`,
      payload: { firstName: 'x'.repeat(101) },
      headers: alice.headers,
    });
    expect(long.statusCode).toBe(400);
    expect(json(long).message).toBe('"firstName" length must be less than or equal to 100 characters long');
  });

  describe('DELETE /users/{id}', () => {
    let world: World;

    beforeAll(async () => {
      world = await makeWorld(server);
      await server.app.db.courseFeedback.create({ data: { feedback: 'Great', studentId: world.student.id, courseId: world.course } });
    });

    test('another user is 403 and nothing is deleted', async () => {
      const res = await server.inject({ method: 'DELETE', url: `/users/${world.student.id}`, headers: world.student2.headers });
      expect(res.statusCode).toBe(403);
      expect(json(res).message).toBe('Not allowed: only for yourself');
      expect(await server.app.db.user.count({ where: { id: world.student.id } })).toBe(1);
    });

    test('a student deletes themselves: tokens, enrollments, feedback and their results go', async () => {
      const res = await server.inject({ method: 'DELETE', url: `/users/${world.student.id}`, headers: world.student.headers });
      expect(res.statusCode).toBe(204);
      const { db } = server.app;
      const where = { studentId: world.student.id };
      expect(await db.token.count({ where: { userId: world.student.id } })).toBe(0);
      expect(await db.courseEnrollment.count({ where: { userId: world.student.id } })).toBe(0);
      expect(await db.courseFeedback.count({ where })).toBe(0);
      expect(await db.testResult.count({ where })).toBe(0);
      // Their JWT died with them.
      expect((await server.inject({ url: '/profile', headers: world.student.headers })).statusCode).toBe(401);
    });

    test('deleting a grader keeps the grades they gave (grader becomes null)', async () => {
      const resultId = (
        await server.app.db.testResult.create({
          data: { testId: world.test, studentId: world.student2.id, result: 650, graderId: world.teacher.id },
          select: { id: true },
        })
      ).id;
      const res = await server.inject({ method: 'DELETE', url: `/users/${world.teacher.id}`, headers: world.admin.headers });
      expect(res.statusCode).toBe(204);
      const kept = await server.app.db.testResult.findUnique({ where: { id: resultId }, select: { result: true, graderId: true } });
      expect(kept).toEqual({ result: 650, graderId: null });
    });

    test('a missing user is 404 (admin)', async () => {
      const res = await server.inject({ method: 'DELETE', url: `/users/${world.teacher.id}`, headers: world.admin.headers });
      expect(res.statusCode).toBe(404);
      expect(json(res).message).toBe('User not found');
    });
  });
});
