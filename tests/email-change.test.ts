// Changing your own email needs proof that you own the new address (security review, defect 1):
// PUT /users/{id} leaves the email as it is and mails a token to the new address; POST
// /users/{id}/email-confirmation spends it. Real @sendgrid/mail client → local SendGrid stand-in.
import { json } from './helpers/fixtures';
import { useMailingServer } from './helpers/server';
import { createUser, uniqueEmail, type TestUser } from './helpers/users';
import { withClockAhead } from './helpers/clock';

describe('email change with proof of ownership', () => {
  const adminAddress = uniqueEmail('future-admin');
  const ctx = useMailingServer({ ADMIN_EMAILS: adminAddress });

  const put = (user: TestUser, payload: object, as: TestUser = user) =>
    ctx.server.inject({ method: 'PUT', url: `/users/${user.id}`, payload, headers: as.headers });
  const confirm = (user: TestUser, emailToken: string, as: TestUser = user) =>
    ctx.server.inject({ method: 'POST', url: `/users/${user.id}/email-confirmation`, payload: { emailToken }, headers: as.headers });
  const emailOf = async (user: TestUser) =>
    (await ctx.server.app.db.user.findUniqueOrThrow({ where: { id: user.id }, select: { email: true } })).email;
  const wrongFor = (token: string) => (token === '00000000' ? '00000001' : '00000000');

  /** Logs in through /login + /authenticate; returns the JWT. */
  async function loginAs(email: string): Promise<string> {
    expect((await ctx.server.inject({ method: 'POST', url: '/login', payload: { email } })).statusCode).toBe(200);
    const res = await ctx.server.inject({
      method: 'POST',
      url: '/authenticate',
      payload: { email, emailToken: ctx.sendgrid.lastToken(email) },
    });
    expect(res.statusCode).toBe(200);
    return json(res).token;
  }

  test('PUT changes the other fields at once, keeps the email, shows pendingEmail and mails a token to the new address', async () => {
    const user = await createUser(ctx.server);
    const next = uniqueEmail('next');
    const res = await put(user, { email: next.toUpperCase(), firstName: 'Renamed' });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ id: user.id, email: user.email, firstName: 'Renamed', pendingEmail: next });
    expect(await emailOf(user)).toBe(user.email);

    const mail = ctx.sendgrid.sent.at(-1);
    expect(mail?.to).toBe(next);
    const emailToken = ctx.sendgrid.lastToken(next);
    expect(emailToken).toMatch(/^\d{8}$/);
    // Hashed at rest: the digits are stored nowhere.
    const rows = await ctx.server.app.db.$queryRaw<
      Array<{ row: string }>
    >`SELECT row_to_json(c)::text AS row FROM "email_changes" c WHERE c."userId" = ${user.id}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]?.row).not.toContain(emailToken);

    // Self and admins see it.
    expect(json(await ctx.server.inject({ url: '/profile', headers: user.headers })).pendingEmail).toBe(next);
  });

  test('confirmation: 200 with the new email; every other API token of the user is revoked', async () => {
    const user = await createUser(ctx.server);
    const otherSession = await loginAs(user.email);
    expect((await ctx.server.inject({ url: '/profile', headers: { authorization: otherSession } })).statusCode).toBe(200);

    const next = uniqueEmail('moved');
    const pending = await put(user, { email: next });
    expect(pending.statusCode).toBe(200);
    expect(json(pending)).toMatchObject({ id: user.id, email: user.email, pendingEmail: next });
    const res = await confirm(user, ctx.sendgrid.lastToken(next));
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ id: user.id, email: next, pendingEmail: null });
    expect(await emailOf(user)).toBe(next);

    const revoked = await ctx.server.inject({ url: '/profile', headers: { authorization: otherSession } });
    expect(revoked.statusCode).toBe(401);
    expect(json(revoked).message).toBe('Invalid credentials');
    const kept = await ctx.server.inject({ url: '/profile', headers: user.headers });
    expect(kept.statusCode).toBe(200);
    expect(json(kept)).toMatchObject({ id: user.id, email: next });
    // The new address logs in to the same account.
    const fresh = await loginAs(next);
    expect(json(await ctx.server.inject({ url: '/profile', headers: { authorization: fresh } })).id).toBe(user.id);
  });

  test('a spent, wrong or expired token is a 401; five wrong tries kill the pending change', async () => {
    const user = await createUser(ctx.server);
    const first = uniqueEmail('spent');
    await put(user, { email: first });
    const token = ctx.sendgrid.lastToken(first);
    const refused: Array<{ statusCode: number; payload: string }> = [];
    refused.push(await confirm(user, wrongFor(token)));
    const confirmed = await confirm(user, token);
    expect(confirmed.statusCode).toBe(200);
    expect(json(confirmed)).toMatchObject({ id: user.id, email: first, pendingEmail: null });
    refused.push(await confirm(user, token));

    const second = uniqueEmail('guessed');
    await put(user, { email: second });
    const secondToken = ctx.sendgrid.lastToken(second);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      refused.push(await confirm(user, wrongFor(secondToken)));
    }
    refused.push(await confirm(user, secondToken));
    expect(await emailOf(user)).toBe(first);

    const third = uniqueEmail('late');
    await put(user, { email: third });
    const late = ctx.sendgrid.lastToken(third);
    refused.push(await withClockAhead(11 * 60_000, () => confirm(user, late)));
    expect(await emailOf(user)).toBe(first);
    expect(refused).toHaveLength(9);
    for (const res of refused) {
      expect(res.statusCode).toBe(401);
      expect(json(res)).toMatchObject({ error: 'Unauthorized', message: 'Invalid or expired email token' });
    }
  });

  test('404 when nothing is pending; 403 for another user; 400 for a malformed token', async () => {
    const [user, other] = await Promise.all([createUser(ctx.server), createUser(ctx.server)]);
    const nothingPending = await confirm(user, '12345678');
    expect(nothingPending.statusCode).toBe(404);
    expect(json(nothingPending).message).toBe('No email change is pending for this user');
    await put(user, { email: uniqueEmail('mine') });
    const otherUser = await confirm(user, '12345678', other);
    expect(otherUser.statusCode).toBe(403);
    expect(json(otherUser).message).toBe('Not allowed: only for yourself');
    const malformed = await confirm(user, '1234');
    expect(malformed.statusCode).toBe(400);
    expect(json(malformed).message).toMatch(/"emailToken"/);
  });

  test('an address another account has: 409 at once, nothing changes', async () => {
    const [user, other] = await Promise.all([createUser(ctx.server), createUser(ctx.server)]);
    const sent = ctx.sendgrid.sent.length;
    const res = await put(user, { email: other.email.toUpperCase(), firstName: 'Nope' });
    expect(res.statusCode).toBe(409);
    expect(json(res).message).toBe('Conflict: a record with the same email already exists');
    expect(ctx.sendgrid.sent.length).toBe(sent);
    const row = await ctx.server.app.db.user.findUniqueOrThrow({ where: { id: user.id }, select: { email: true, firstName: true } });
    expect(row).toEqual({ email: user.email, firstName: 'Test' });
  });

  test('taken meanwhile: the confirmation is a 409 and the email stays', async () => {
    const user = await createUser(ctx.server);
    const next = uniqueEmail('raced');
    await put(user, { email: next });
    const token = ctx.sendgrid.lastToken(next);
    await createUser(ctx.server, { email: next });
    const res = await confirm(user, token);
    expect(res.statusCode).toBe(409);
    expect(json(res).message).toMatch(/^Conflict: /);
    expect(await emailOf(user)).toBe(user.email);
  });

  test('the mail cannot be sent: 503 and nothing pending, nothing changed', async () => {
    const user = await createUser(ctx.server);
    ctx.sendgrid.mode = 'error';
    const res = await put(user, { email: uniqueEmail('unsent'), firstName: 'Unsent' });
    expect(res.statusCode).toBe(503);
    expect(json(res).message).toBe('The confirmation email could not be sent, please retry shortly');
    const row = await ctx.server.app.db.user.findUniqueOrThrow({ where: { id: user.id }, select: { firstName: true } });
    expect(row.firstName).toBe('Test');
    expect(json(await ctx.server.inject({ url: '/profile', headers: user.headers })).pendingEmail).toBeNull();
    const nothingPending = await confirm(user, '12345678');
    expect(nothingPending.statusCode).toBe(404);
    expect(json(nothingPending).message).toBe('No email change is pending for this user');
  });

  test('at most 5 confirmation mails per user per 15 minutes (each goes to an address the user typed)', async () => {
    const user = await createUser(ctx.server);
    for (let i = 0; i < 5; i += 1) {
      expect((await put(user, { email: uniqueEmail('spam') })).statusCode).toBe(200);
    }
    const sent = ctx.sendgrid.sent.length;
    const res = await put(user, { email: uniqueEmail('spam') });
    expect(res.statusCode).toBe(429);
    expect(json(res).message).toBe('Too many attempts, please retry later');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(ctx.sendgrid.sent.length).toBe(sent);
    // Other fields alone still change.
    const other = await put(user, { firstName: 'Still' });
    expect(other.statusCode).toBe(200);
    expect(json(other)).toMatchObject({ id: user.id, firstName: 'Still', email: user.email });
  });

  test('admins change emails directly (no mail, no pending)', async () => {
    const [admin, user] = await Promise.all([createUser(ctx.server, { isAdmin: true }), createUser(ctx.server)]);
    const next = uniqueEmail('direct');
    const sent = ctx.sendgrid.sent.length;
    const res = await put(user, { email: next }, admin);
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ email: next, pendingEmail: null });
    expect(ctx.sendgrid.sent.length).toBe(sent);
  });

  test('the review scenario: a pending ADMIN_EMAILS address never makes the attacker admin, and its owner logs in to their own account', async () => {
    const attacker = await createUser(ctx.server);
    expect((await put(attacker, { email: adminAddress })).statusCode).toBe(200);
    expect(await emailOf(attacker)).toBe(attacker.email);

    // The real owner logs in for the first time: a new account, not the attacker's row.
    const ownerJwt = await loginAs(adminAddress);
    const owner = json(await ctx.server.inject({ url: '/profile', headers: { authorization: ownerJwt } }));
    expect(owner).toMatchObject({ email: adminAddress, isAdmin: true });
    expect(owner.id).not.toBe(attacker.id);

    const attackerView = json(await ctx.server.inject({ url: '/profile', headers: attacker.headers }));
    expect(attackerView).toMatchObject({ id: attacker.id, email: attacker.email, isAdmin: false });
    const users = await ctx.server.inject({ url: '/users', headers: attacker.headers });
    expect(users.statusCode).toBe(403);
    expect(json(users).message).toBe('Not allowed: admin only');
  });
});
