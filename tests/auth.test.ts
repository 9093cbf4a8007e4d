// The passwordless login flow end to end: real @sendgrid/mail client → local SendGrid stand-in.
import { Writable } from 'node:stream';
import jwt from 'jsonwebtoken';
import { createLogger } from '../src/logger';
import { createContractServer, testConfig, useMailingServer } from './helpers/server';
import { uniqueEmail } from './helpers/users';
import { withClockAhead } from './helpers/clock';

describe('passwordless login', () => {
  const adminEmail = uniqueEmail('boss');
  const ctx = useMailingServer({ EMAIL_FROM: 'grades@example.com', ADMIN_EMAILS: adminEmail.toUpperCase() });

  const login = (email: string) => ctx.server.inject({ method: 'POST', url: '/login', payload: { email } });
  const authenticate = (email: string, emailToken: string) =>
    ctx.server.inject({ method: 'POST', url: '/authenticate', payload: { email, emailToken } });
  const profile = (authorization: string) => ctx.server.inject({ url: '/profile', headers: { authorization } });

  /** Logs in through the stand-in and returns the JWT. */
  async function jwtFor(email: string): Promise<string> {
    expect((await login(email)).statusCode).toBe(200);
    const res = await authenticate(email, ctx.sendgrid.lastToken(email));
    expect(res.statusCode).toBe(200);
    return JSON.parse(res.payload).token;
  }

  test('login emails an 8-digit token that authenticates once and yields a working JWT', async () => {
    const email = uniqueEmail('flow');
    const res = await login(email);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.payload)).toEqual({ message: 'If the address is valid, a login token is on its way' });
    const mail = ctx.sendgrid.sent.at(-1);
    expect(mail).toMatchObject({ to: email, from: 'grades@example.com', authorization: 'Bearer SG.test-key' });
    const emailToken = ctx.sendgrid.lastToken(email);
    expect(emailToken).toMatch(/^\d{8}$/);

    const auth = await authenticate(email, emailToken);
    expect(auth.statusCode).toBe(200);
    const body = JSON.parse(auth.payload);
    expect(auth.headers.authorization).toBe(body.token);
    const hoursValid = (Date.parse(body.expiresAt) - Date.now()) / 3_600_000;
    expect(hoursValid).toBeGreaterThan(11.9);
    expect(hoursValid).toBeLessThanOrEqual(12);

    const me = await profile(`Bearer ${body.token}`);
    expect(me.statusCode).toBe(200);
    expect(JSON.parse(me.payload)).toMatchObject({ email, isAdmin: false });
    // The bare token (no "Bearer") is accepted too.
    const bare = await profile(body.token);
    expect(bare.statusCode).toBe(200);
    expect(JSON.parse(bare.payload)).toEqual(JSON.parse(me.payload));

    // Spent: the same email token never works twice.
    const spent = await authenticate(email, emailToken);
    expect(spent.statusCode).toBe(401);
    expect(JSON.parse(spent.payload).message).toBe('Invalid or expired email token');
  });

  test('the same 200 for a new and a known email; emails are case-insensitive', async () => {
    const email = uniqueEmail('case');
    const first = await login(email.toUpperCase());
    const second = await login(email);
    expect(first.statusCode).toBe(200);
    expect(second.payload).toBe(first.payload);
    const users = await ctx.server.app.db.user.findMany({ where: { email: { equals: email, mode: 'insensitive' } } });
    expect(users.map((user) => user.email)).toEqual([email]);
    const auth = await authenticate(email.toUpperCase(), ctx.sendgrid.lastToken(email));
    expect(auth.statusCode).toBe(200);
    const me = await profile(`Bearer ${JSON.parse(auth.payload).token}`);
    expect(JSON.parse(me.payload)).toMatchObject({ id: users[0].id, email });
  });

  test('only a hash of the email token is stored', async () => {
    const email = uniqueEmail('hash');
    await login(email);
    const emailToken = ctx.sendgrid.lastToken(email);
    const rows = await ctx.server.app.db.token.findMany({ where: { user: { email } }, select: { emailToken: true } });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.emailToken).toMatch(/^[0-9a-f]{64}$/);
    const everyToken = await ctx.server.app.db.token.findMany({ where: { emailToken: { contains: emailToken } } });
    expect(everyToken).toEqual([]);
  });

  test('an expired email token is refused (clock moved 11 minutes, no sleeping)', async () => {
    const email = uniqueEmail('late');
    await login(email);
    const emailToken = ctx.sendgrid.lastToken(email);
    const res = await withClockAhead(11 * 60_000, () => authenticate(email, emailToken));
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.payload).message).toBe('Invalid or expired email token');
  });

  test('a token is only valid with its own email', async () => {
    const alice = uniqueEmail('alice');
    const bob = uniqueEmail('bob');
    await login(alice);
    await login(bob);
    const res = await authenticate(bob, ctx.sendgrid.lastToken(alice));
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.payload)).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: 'Invalid or expired email token' });
    // An unknown email gets the very same answer (nothing tells which emails have accounts).
    const nobody = await authenticate(uniqueEmail('nobody'), '12345678');
    expect(nobody.statusCode).toBe(401);
    expect(JSON.parse(nobody.payload)).toEqual(JSON.parse(res.payload));
  });

  test('five wrong tokens invalidate every outstanding token of that email', async () => {
    const email = uniqueEmail('guess');
    await login(email);
    const emailToken = ctx.sendgrid.lastToken(email);
    const wrong = emailToken === '00000000' ? '00000001' : '00000000';
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await authenticate(email, wrong)).statusCode).toBe(401);
    }
    const killed = await authenticate(email, emailToken);
    expect(killed.statusCode).toBe(401);
    expect(JSON.parse(killed.payload).message).toBe('Invalid or expired email token');
    // A new login starts afresh.
    await login(email);
    const fresh = await authenticate(email, ctx.sendgrid.lastToken(email));
    expect(fresh.statusCode).toBe(200);
    expect(JSON.parse(fresh.payload)).toEqual({ token: expect.any(String), expiresAt: expect.any(String) });
  });

  test('concurrent authentications with one token issue exactly one JWT', async () => {
    const email = uniqueEmail('race');
    await login(email);
    const emailToken = ctx.sendgrid.lastToken(email);
    const results = await Promise.all(Array.from({ length: 8 }, () => authenticate(email, emailToken)));
    expect(results.filter((res) => res.statusCode === 200)).toHaveLength(1);
    expect(results.filter((res) => res.statusCode === 401)).toHaveLength(7);
    const [winner] = results.filter((res) => res.statusCode === 200);
    expect(JSON.parse((await profile(`Bearer ${JSON.parse(winner.payload).token}`)).payload)).toMatchObject({ email });
    const apiTokens = await ctx.server.app.db.token.count({ where: { user: { email }, type: 'API' } });
    expect(apiTokens).toBe(1);
  });

  test('bad payloads are 400s naming the field', async () => {
    const res = await ctx.server.inject({ method: 'POST', url: '/login', payload: { email: 'nope' } });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.payload).message).toMatch(/email/);
    const short = await authenticate(uniqueEmail(), '1234');
    expect(short.statusCode).toBe(400);
    expect(JSON.parse(short.payload).message).toMatch(/emailToken/);
    const escalation = await ctx.server.inject({ method: 'POST', url: '/login', payload: { email: uniqueEmail(), isAdmin: true } });
    expect(escalation.statusCode).toBe(400);
    expect(JSON.parse(escalation.payload).message).toBe('"isAdmin" is not allowed');
  });

  test('ADMIN_EMAILS become admins when they log in', async () => {
    const token = await jwtFor(adminEmail);
    expect(JSON.parse((await profile(`Bearer ${token}`)).payload).isAdmin).toBe(true);
  });

  describe('JWTs that must not work', () => {
    let token: string;
    let tokenId: number;
    const secret = testConfig().jwtSecret;

    beforeAll(async () => {
      token = await jwtFor(uniqueEmail('jwt'));
      tokenId = (jwt.decode(token) as { tokenId: number }).tokenId;
    });

    test.each([
      ['no token', '', 'Missing authentication'],
      ['garbage', 'Bearer not.a.jwt', 'Invalid token format'],
      ['a tampered payload', 'TAMPER', 'Invalid token'],
      ['another secret', 'OTHER', 'Invalid token'],
      ['an expired JWT', 'EXPIRED', 'Expired token'],
      ['a JWT for an email token row', 'EMAILROW', 'Invalid credentials'],
    ])('%s → 401', async (_name, kind, message) => {
      let authorization = kind;
      if (kind === 'TAMPER') {
        const [header, , signature] = token.split('.');
        const payload = Buffer.from(JSON.stringify({ tokenId: tokenId + 1, exp: 9_999_999_999 })).toString('base64url');
        authorization = `Bearer ${header}.${payload}.${signature}`;
      } else if (kind === 'OTHER') {
        authorization = `Bearer ${jwt.sign({ tokenId }, 'another-secret-another-secret-another', { expiresIn: 60 })}`;
      } else if (kind === 'EXPIRED') {
        authorization = `Bearer ${jwt.sign({ tokenId, exp: Math.floor(Date.now() / 1000) - 10 }, secret)}`;
      } else if (kind === 'EMAILROW') {
        const emailRow = await ctx.server.app.db.token.findFirstOrThrow({ where: { type: 'EMAIL' }, select: { id: true } });
        authorization = `Bearer ${jwt.sign({ tokenId: emailRow.id }, secret, { expiresIn: 60 })}`;
      }
      const res = await profile(authorization);
      expect(res.statusCode).toBe(401);
      expect(JSON.parse(res.payload)).toMatchObject({ statusCode: 401, error: 'Unauthorized', message });
    });

    test('logout revokes the token at once', async () => {
      const own = await jwtFor(uniqueEmail('bye'));
      const out = await ctx.server.inject({ method: 'POST', url: '/logout', headers: { authorization: `Bearer ${own}` } });
      expect(out.statusCode).toBe(204);
      const after = await profile(`Bearer ${own}`);
      expect(after.statusCode).toBe(401);
      expect(JSON.parse(after.payload).message).toBe('Invalid credentials');
      const again = await ctx.server.inject({ method: 'POST', url: '/logout', headers: { authorization: `Bearer ${own}` } });
      expect(again.statusCode).toBe(401);
      expect(JSON.parse(again.payload).message).toBe('Invalid credentials');
    });
  });

  test('SendGrid down → 503, and no usable token is left behind', async () => {
    const email = uniqueEmail('down');
    ctx.sendgrid.mode = 'error';
    const res = await login(email);
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.payload).message).toBe('The login email could not be sent, please retry shortly');
    expect(res.payload).not.toMatch(/down|sendgrid|stack/i);
    const usable = await ctx.server.app.db.token.count({ where: { user: { email }, type: 'EMAIL', valid: true } });
    expect(usable).toBe(0);
  });
});

describe('login without SENDGRID_API_KEY', () => {
  test('writes the email, token included, to the log at info level', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const server = await createContractServer(testConfig({ SENDGRID_API_KEY: '' }), { logger: createLogger('info', sink) });
    try {
      const email = uniqueEmail('log');
      expect((await server.inject({ method: 'POST', url: '/login', payload: { email } })).statusCode).toBe(200);
      const entry = lines.map((line) => JSON.parse(line)).find((line) => line.to === email);
      expect(entry).toMatchObject({ level: 30 });
      expect(entry.emailToken).toMatch(/^\d{8}$/);
      const auth = await server.inject({ method: 'POST', url: '/authenticate', payload: { email, emailToken: entry.emailToken } });
      expect(auth.statusCode).toBe(200);
      // The JWT itself never reaches the log.
      expect(lines.join('')).not.toContain(JSON.parse(auth.payload).token);
    } finally {
      await server.stop();
    }
  });
});
