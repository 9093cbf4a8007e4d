// Two real server processes on one database and one Redis (`npm run test:instances`, a step of .ci/run):
// what one instance changes holds on the other within a second, rate limits are one budget, and a
// killed LISTEN connection neither loses an eviction nor leaves stale rights (docs/scaling.md).
// Both instances cache credentials for 30 s (the default): without notifications, B would keep
// accepting a revoked token for up to 30 s.
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { Client } from 'pg';
import { startSendGridStandIn, type SendGridStandIn } from '../helpers/sendgrid';
import { freePort, request, spawnTs, waitFor, type Child, type HttpResult } from '../resilience/process';

interface Instance {
  readonly name: string;
  readonly port: number;
  readonly child: Child;
  /** pg_stat_activity.application_name of its LISTEN connection (src/server.ts). */
  readonly listenerName: string;
}

describe('two instances on one database', () => {
  const databaseUrl = process.env.DATABASE_URL as string;
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  // The Redis server may be shared: our own key prefix, and only our keys are deleted at the end.
  const rateLimitPrefix = `rl-two-instances-${randomUUID().slice(0, 8)}`;
  const jwtSecret = `two-instances-secret-${randomUUID()}`;
  const timings: string[] = [];
  let sendgrid: SendGridStandIn;
  let admin: Client;
  let a: Instance;
  let b: Instance;

  async function startInstance(name: string): Promise<Instance> {
    const port = await freePort();
    const child = spawnTs('src/index.ts', {
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      RATE_LIMIT_KEY_PREFIX: rateLimitPrefix,
      JWT_SECRET: jwtSecret,
      SENDGRID_API_KEY: 'SG.two-instances-test-key',
      SENDGRID_BASE_URL: sendgrid.baseUrl,
      AUTH_CACHE_TTL_MS: '30000',
    });
    return { name, port, child, listenerName: `grading-api listener ${child.process.pid}` };
  }

  async function listenerPid(instance: Instance): Promise<number | undefined> {
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`,
      [instance.listenerName],
    );
    return rows[0]?.pid;
  }

  const call = (instance: Instance, method: string, path: string, jwt?: string, body?: unknown): Promise<HttpResult> =>
    request(instance.port, method, path, {
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: jwt ? { authorization: `Bearer ${jwt}` } : {},
    });

  /** The real passwordless flow, on `instance`: POST /login, the mailed token, POST /authenticate. */
  async function login(instance: Instance, email = `two-${randomUUID().slice(0, 8)}@example.com`) {
    expect((await call(instance, 'POST', '/login', undefined, { email })).status).toBe(200);
    const res = await call(instance, 'POST', '/authenticate', undefined, { email, emailToken: sendgrid.lastToken(email) });
    expect(res.status).toBe(200);
    const jwt = JSON.parse(res.body).token as string;
    const profile = await call(instance, 'GET', '/profile', jwt);
    return { jwt, id: JSON.parse(profile.body).id as number, email };
  }

  /**
   * Polls `instance` until `path` answers `status`; returns the milliseconds since `since`. Fails past
   * `deadlineMs` (polling, not a fixed sleep: robust on a loaded machine, exact on an idle one).
   */
  async function refusedWithin(
    what: string,
    instance: Instance,
    method: string,
    path: string,
    jwt: string,
    status: number,
    since: number,
    deadlineMs = 1_000,
    body?: unknown,
  ) {
    let last = 0;
    for (;;) {
      last = (await call(instance, method, path, jwt, body)).status;
      const elapsed = Date.now() - since;
      if (last === status) {
        timings.push(`${what}: ${status} on ${instance.name} after ${elapsed} ms`);
        process.stdout.write(`two instances: ${what}: ${status} on ${instance.name} ${elapsed} ms after the change\n`);
        return elapsed;
      }
      if (elapsed > deadlineMs) {
        throw new Error(
          `${what}: ${instance.name} still answered ${last} ${elapsed} ms after the change (expected ${status} within ${deadlineMs} ms)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  beforeAll(async () => {
    sendgrid = await startSendGridStandIn();
    admin = new Client({ connectionString: databaseUrl });
    await admin.connect();
    [a, b] = await Promise.all([startInstance('A'), startInstance('B')]);
    for (const instance of [a, b]) {
      await waitFor(
        `instance ${instance.name} to listen`,
        async () => (await call(instance, 'GET', '/ready')).status === 200,
        60_000,
      ).catch((err: Error) => {
        throw new Error(`${err.message}\n${instance.child.output()}`);
      });
      await waitFor(`instance ${instance.name}'s LISTEN connection`, async () => (await listenerPid(instance)) !== undefined, 10_000);
    }
  }, 90_000);

  afterAll(async () => {
    for (const instance of [a, b]) {
      if (instance && instance.child.process.exitCode === null) {
        instance.child.process.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([instance.child.exited, new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
        clearTimeout(timer);
        if (instance.child.process.exitCode === null) {
          instance.child.process.kill('SIGKILL');
        }
      }
    }
    await admin?.end();
    await sendgrid?.close();
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect().catch(() => undefined);
    if (redis.status === 'ready') {
      const keys: string[] = [];
      for await (const batch of redis.scanStream({ match: `${rateLimitPrefix}:*`, count: 100 })) {
        keys.push(...(batch as string[]));
      }
      if (keys.length) {
        await redis.del(...keys);
      }
    }
    redis.disconnect();
    if (timings.length) {
      process.stdout.write(`two instances, time to refusal:\n${timings.map((line) => `  ${line}`).join('\n')}\n`);
    }
  });

  test('logout on A → the token is refused on B within 1 s', async () => {
    const user = await login(a);
    expect((await call(b, 'GET', '/profile', user.jwt)).status).toBe(200);
    expect((await call(b, 'GET', '/profile', user.jwt)).status).toBe(200); // cached on B
    expect((await call(a, 'POST', '/logout', user.jwt)).status).toBe(204);
    const loggedOut = Date.now();
    expect(await refusedWithin('logout on A', b, 'GET', '/profile', user.jwt, 401, loggedOut)).toBeLessThanOrEqual(1_000);
    expect((await call(a, 'GET', '/profile', user.jwt)).status).toBe(401);
  });

  test('a teacher removed on A has no teacher rights on B at once, and cannot re-enroll as TEACHER there', async () => {
    const [owner, removed] = await Promise.all([login(a), login(a)]);
    const created = await call(a, 'POST', '/courses', owner.jwt, { name: 'Two instances', courseDetails: 'Shared database' });
    expect(created.status).toBe(201);
    const courseId = JSON.parse(created.body).id as number;
    expect((await call(a, 'POST', `/users/${removed.id}/courses`, owner.jwt, { courseId, role: 'TEACHER' })).status).toBe(201);
    const rename = (name: string) => call(b, 'PUT', `/courses/${courseId}`, removed.jwt, { name });
    expect((await rename('Renamed on B')).status).toBe(200); // a teacher, credentials cached on B

    expect((await call(a, 'DELETE', `/users/${removed.id}/courses/${courseId}`, owner.jwt)).status).toBe(204);
    const removedAt = Date.now();
    expect(
      await refusedWithin('teacher removed on A', b, 'PUT', `/courses/${courseId}`, removed.jwt, 403, removedAt, 1_000, { name: 'Mine' }),
    ).toBeLessThanOrEqual(1_000);
    // The original exploit: re-enrolling oneself as TEACHER through the other instance.
    expect((await call(b, 'POST', `/users/${removed.id}/courses`, removed.jwt, { courseId, role: 'TEACHER' })).status).toBe(403);
    const { rows } = await admin.query(`SELECT 1 FROM "course_enrollments" WHERE "userId" = $1 AND "courseId" = $2`, [
      removed.id,
      courseId,
    ]);
    expect(rows).toHaveLength(0);
  });

  test('an account deleted on A → 401 on B within 1 s', async () => {
    const user = await login(a);
    expect((await call(b, 'GET', '/profile', user.jwt)).status).toBe(200);
    expect((await call(a, 'DELETE', `/users/${user.id}`, user.jwt)).status).toBe(204);
    const deletedAt = Date.now();
    expect(await refusedWithin('account deleted on A', b, 'GET', '/profile', user.jwt, 401, deletedAt)).toBeLessThanOrEqual(1_000);
  });

  test('an email change confirmed on A revokes the user’s other sessions on B within 1 s', async () => {
    const user = await login(a);
    const otherSession = await login(a, user.email);
    expect((await call(b, 'GET', '/profile', otherSession.jwt)).status).toBe(200); // cached on B
    const next = `moved-${randomUUID().slice(0, 8)}@example.com`;
    expect((await call(a, 'PUT', `/users/${user.id}`, user.jwt, { email: next })).status).toBe(200);
    const confirmed = await call(a, 'POST', `/users/${user.id}/email-confirmation`, user.jwt, { emailToken: sendgrid.lastToken(next) });
    expect(confirmed.status).toBe(200);
    const confirmedAt = Date.now();
    expect(
      await refusedWithin('email change confirmed on A', b, 'GET', '/profile', otherSession.jwt, 401, confirmedAt),
    ).toBeLessThanOrEqual(1_000);
    expect((await call(b, 'GET', '/profile', user.jwt)).status).toBe(200); // the confirming session stays
  });

  test('rate limits are one budget: login attempts on A and B count together', async () => {
    const email = `limited-${randomUUID().slice(0, 8)}@example.com`;
    const statuses: number[] = [];
    for (const instance of [a, b, a, b, a, b, a]) {
      statuses.push((await call(instance, 'POST', '/login', undefined, { email })).status);
    }
    // 5 logins per email per 15 minutes (src/auth/rate-limit.ts), whichever instance answers.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
  });

  test('killing B’s LISTEN connection loses no eviction, and B listens again by itself', async () => {
    const user = await login(a);
    expect((await call(b, 'GET', '/profile', user.jwt)).status).toBe(200); // cached on B
    const oldPid = await listenerPid(b);
    expect(oldPid).toBeDefined();

    const { rows } = await admin.query<{ killed: boolean }>(
      `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`,
      [b.listenerName],
    );
    expect(rows).toEqual([{ killed: true }]);
    const killedAt = Date.now();
    // The logout's notification cannot reach B now: B must read the database instead of its cache.
    expect((await call(a, 'POST', '/logout', user.jwt)).status).toBe(204);
    expect(
      await refusedWithin('logout on A while B’s listener is dead', b, 'GET', '/profile', user.jwt, 401, killedAt),
    ).toBeLessThanOrEqual(1_000);

    const reconnectMs = await waitFor(
      'B’s listener to reconnect',
      async () => {
        const pid = await listenerPid(b);
        return pid !== undefined && pid !== oldPid;
      },
      15_000,
      20,
    );
    timings.push(`B’s LISTEN connection back ${reconnectMs} ms after it was killed`);
    process.stdout.write(`two instances: B’s LISTEN connection back ${reconnectMs} ms after it was killed\n`);
    expect(b.child.output()).toMatch(/notification listener: connection lost/);

    // After the reconnection, B caches again and evicts on notifications again.
    const next = await login(a);
    expect((await call(b, 'GET', '/profile', next.jwt)).status).toBe(200);
    expect((await call(b, 'GET', '/profile', next.jwt)).status).toBe(200);
    expect((await call(a, 'POST', '/logout', next.jwt)).status).toBe(204);
    expect(await refusedWithin('logout on A after B reconnected', b, 'GET', '/profile', next.jwt, 401, Date.now())).toBeLessThanOrEqual(
      1_000,
    );
  });
});
