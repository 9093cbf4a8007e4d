// Changing your own email needs proof that you own the new address (security review, defect 1):
// PUT /users/{id} leaves the email as it is and mails a token to the new address; POST
// /users/{id}/email-confirmation spends it. Real @sendgrid/mail client → local SendGrid stand-in.
import type { Server } from '@hapi/hapi';
import { json } from './helpers/fixtures';
import { startSendGridStandIn, type SendGridStandIn } from './helpers/sendgrid';
import { createTestServer } from './helpers/server';
import { createUser, uniqueEmail, type TestUser } from './helpers/users';
import { withClockAhead } from './helpers/clock';

describe('email change with proof of ownership', () => {
  let server: Server;
  let sendgrid: SendGridStandIn;
  const adminAddress = uniqueEmail('future-admin');

  const put = (user: TestUser, payload: object, as: TestUser = user) =>
    server.inject({ method: 'PUT', url: `/users/${user.id}`, payload, headers: as.headers });
  const confirm = (user: TestUser, emailToken: string, as: TestUser = user) =>
    server.inject({ method: 'POST', url: `/users/${user.id}/email-confirmation`, payload: { emailToken }, headers: as.headers });
  const emailOf = async (user: TestUser) =>
    (await server.app.db.user.findUniqueOrThrow({ where: { id: user.id }, select: { email: true } })).email;
  const wrongFor = (token: string) => (token === '00000000' ? '00000001' : '00000000');

  /** Logs in through /login + /authenticate; returns the JWT. */
  async function loginAs(email: string): Promise<string> {
    expect((await server.inject({ method: 'POST', url: '/login', payload: { email } })).statusCode).toBe(200);
    const res = await server.inject({ method: 'POST', url: '/authenticate', payload: { email, emailToken: sendgrid.lastToken(email) } });
    expect(res.statusCode).toBe(200);
    return json(res).token;
  }

  beforeAll(async () => {
    sendgrid = await startSendGridStandIn();
    server = await createTestServer({ SENDGRID_API_KEY: 'SG.test-key', SENDGRID_BASE_URL: sendgrid.baseUrl, ADMIN_EMAILS: adminAddress });
  });

  afterEach(() => {
    sendgrid.mode = 'ok';
    jest.useRealTimers();
  });

  afterAll(async () => {
    await server.stop();
    await sendgrid.close();
  });

  test('PUT changes the other fields at once, keeps the email, shows pendingEmail and mails a token to the new address', async () => {
    const user = await createUser(server);
    const next = uniqueEmail('next');
    const res = await put(user, { email: next.toUpperCase(), firstName: 'Renamed' });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ id: user.id, email: user.email, firstName: 'Renamed', pendingEmail: next });
    expect(await emailOf(user)).toBe(user.email);

    const mail = sendgrid.sent.at(-1);
    expect(mail?.to).toBe(next);
    const emailToken = sendgrid.lastToken(next);
    expect(emailToken).toMatch(/^\d{8}$/);
    // Hashed at rest: the digits are stored nowhere.
    const rows = await server.app.db.$queryRaw<
      Array<{ row: string }>
    >`SELECT row_to_json(c)::text AS row FROM "email_changes" c WHERE c."userId" = ${user.id}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]?.row).not.toContain(emailToken);

    // Self and admins see it.
    expect(json(await server.inject({ url: '/profile', headers: user.headers })).pendingEmail).toBe(next);
  });

  test('confirmation: 200 with the new email; every other API token of the user is revoked', async () => {
    const user = await createUser(server);
    const otherSession = await loginAs(user.email);
    expect((await server.inject({ url: '/profile', headers: { authorization: otherSession } })).statusCode).toBe(200);

    const next = uniqueEmail('moved');
    expect((await put(user, { email: next })).statusCode).toBe(200);
    const res = await confirm(user, sendgrid.lastToken(next));
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ id: user.id, email: next, pendingEmail: null });
    expect(await emailOf(user)).toBe(next);

    expect((await server.inject({ url: '/profile', headers: { authorization: otherSession } })).statusCode).toBe(401);
    expect((await server.inject({ url: '/profile', headers: user.headers })).statusCode).toBe(200);
    // The new address logs in to the same account.
    const fresh = await loginAs(next);
    expect(json(await server.inject({ url: '/profile', headers: { authorization: fresh } })).id).toBe(user.id);
  });

  test('a spent, wrong or expired token is a 401; five wrong tries kill the pending change', async () => {
    const user = await createUser(server);
    const first = uniqueEmail('spent');
    await put(user, { email: first });
    const token = sendgrid.lastToken(first);
    expect((await confirm(user, wrongFor(token))).statusCode).toBe(401);
    expect((await confirm(user, token)).statusCode).toBe(200);
    expect((await confirm(user, token)).statusCode).toBe(401);

    const second = uniqueEmail('guessed');
    await put(user, { email: second });
    const secondToken = sendgrid.lastToken(second);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await confirm(user, wrongFor(secondToken))).statusCode).toBe(401);
    }
    expect((await confirm(user, secondToken)).statusCode).toBe(401);
    expect(await emailOf(user)).toBe(first);

    const third = uniqueEmail('late');
    await put(user, { email: third });
    const late = sendgrid.lastToken(third);
    expect((await withClockAhead(11 * 60_000, () => confirm(user, late))).statusCode).toBe(401);
    expect(await emailOf(user)).toBe(first);
  });

  test('404 when nothing is pending; 403 for another user; 400 for a malformed token', async () => {
    const [user, other] = await Promise.all([createUser(server), createUser(server)]);
    expect((await confirm(user, '12345678')).statusCode).toBe(404);
    await put(user, { email: uniqueEmail('mine') });
    expect((await confirm(user, '12345678', other)).statusCode).toBe(403);
    expect((await confirm(user, '1234')).statusCode).toBe(400);
  });

  test('an address another account has: 409 at once, nothing changes', async () => {
    const [user, other] = await Promise.all([createUser(server), createUser(server)]);
    const sent = sendgrid.sent.length;
    const res = await put(user, { email: other.email.toUpperCase(), firstName: 'Nope' });
    expect(res.statusCode).toBe(409);
    expect(sendgrid.sent.length).toBe(sent);
    const row = await server.app.db.user.findUniqueOrThrow({ where: { id: user.id }, select: { email: true, firstName: true } });
    expect(row).toEqual({ email: user.email, firstName: 'Test' });
  });

  test('taken meanwhile: the confirmation is a 409 and the email stays', async () => {
    const user = await createUser(server);
    const next = uniqueEmail('raced');
    await put(user, { email: next });
    const token = sendgrid.lastToken(next);
    await createUser(server, { email: next });
    expect((await confirm(user, token)).statusCode).toBe(409);
    expect(await emailOf(user)).toBe(user.email);
  });

  test('the mail cannot be sent: 503 and nothing pending, nothing changed', async () => {
    const user = await createUser(server);
    sendgrid.mode = 'error';
    const res = await put(user, { email: uniqueEmail('unsent'), firstName: 'Unsent' });
    expect(res.statusCode).toBe(503);
    const row = await server.app.db.user.findUniqueOrThrow({ where: { id: user.id }, select: { firstName: true } });
    expect(row.firstName).toBe('Test');
    expect(json(await server.inject({ url: '/profile', headers: user.headers })).pendingEmail).toBeNull();
    expect((await confirm(user, '12345678')).statusCode).toBe(404);
  });

  test('at most 5 confirmation mails per user per 15 minutes (each goes to an address the user typed)', async () => {
    const user = await createUser(server);
    for (let i = 0; i < 5; i += 1) {
      expect((await put(user, { email: uniqueEmail('spam') })).statusCode).toBe(200);
    }
    const sent = sendgrid.sent.length;
    const res = await put(user, { email: uniqueEmail('spam') });
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(sendgrid.sent.length).toBe(sent);
    // Other fields alone still change.
    expect((await put(user, { firstName: 'Still' })).statusCode).toBe(200);
  });

  test('admins change emails directly (no mail, no pending)', async () => {
    const [admin, user] = await Promise.all([createUser(server, { isAdmin: true }), createUser(server)]);
    const next = uniqueEmail('direct');
    const sent = sendgrid.sent.length;
    const res = await put(user, { email: next }, admin);
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ email: next, pendingEmail: null });
    expect(sendgrid.sent.length).toBe(sent);
  });

  test('the review scenario: a pending ADMIN_EMAILS address never makes the attacker admin, and its owner logs in to their own account', async () => {
    const attacker = await createUser(server);
    expect((await put(attacker, { email: adminAddress })).statusCode).toBe(200);
    expect(await emailOf(attacker)).toBe(attacker.email);

    // The real owner logs in for the first time: a new account, not the attacker's row.
    const ownerJwt = await loginAs(adminAddress);
    const owner = json(await server.inject({ url: '/profile', headers: { authorization: ownerJwt } }));
    expect(owner).toMatchObject({ email: adminAddress, isAdmin: true });
    expect(owner.id).not.toBe(attacker.id);

    const attackerView = json(await server.inject({ url: '/profile', headers: attacker.headers }));
    expect(attackerView).toMatchObject({ id: attacker.id, email: attacker.email, isAdmin: false });
    expect((await server.inject({ url: '/users', headers: attacker.headers })).statusCode).toBe(403);
  });
});
