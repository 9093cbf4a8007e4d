// Graceful shutdown of the real process (src/index.ts): requests in flight when SIGTERM arrives
// complete, new connections are refused, and the process exits 0 well inside Heroku's 30 s.
// The in-flight requests are slow uploads: a POST /login whose body arrives in two halves.
import http from 'node:http';
import { freePort, request, spawnTs, waitFor, type Child } from './process';

describe('graceful shutdown on SIGTERM', () => {
  let child: Child | undefined;

  afterAll(() => {
    if (child && child.process.exitCode === null) {
      child.process.kill('SIGKILL');
    }
  });

  test('in-flight requests complete, new connections are refused, exit 0 within 30 s', async () => {
    const port = await freePort();
    // process.env.DATABASE_URL is this run's migrated test database (tests/setup/global-setup.ts).
    child = spawnTs('src/index.ts', { PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'info' });
    await waitFor('the server to listen', async () => (await request(port, 'GET', '/')).status === 200, 20_000);

    // Three uploads in flight: headers and half of each body sent, the rest after SIGTERM.
    const uploads = [0, 1, 2].map((i) => {
      const body = JSON.stringify({ email: `drain-${i}-${Date.now()}@example.com` });
      let send: () => void = () => undefined;
      const done = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/login',
            agent: false,
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          },
          (res) => {
            let text = '';
            res.on('data', (chunk: Buffer) => (text += chunk.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.on('error', reject);
        req.write(body.slice(0, 10));
        send = () => req.end(body.slice(10));
      });
      return { done, send: () => send() };
    });
    await new Promise((resolve) => setTimeout(resolve, 300)); // the server has accepted them

    const signalled = Date.now();
    child.process.kill('SIGTERM');

    // New connections are refused once the listener is closed.
    await waitFor(
      'new connections to be refused',
      async () => {
        try {
          await request(port, 'GET', '/', { timeoutMs: 1000 });
          return false;
        } catch (err) {
          return (err as NodeJS.ErrnoException).code === 'ECONNREFUSED';
        }
      },
      5_000,
      50,
    );
    const refusedAfter = Date.now() - signalled;

    // The slow clients finish their bodies 1.5 s after SIGTERM: their requests still complete.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    uploads.forEach((upload) => upload.send());
    const results = await Promise.all(uploads.map((upload) => upload.done));
    results.forEach((res) => {
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toHaveProperty('message');
    });

    const code = await child.exited;
    const drainMs = Date.now() - signalled;
    process.stdout.write(
      `shutdown: new connections refused ${refusedAfter} ms after SIGTERM; 3 slow uploads completed; exit ${code} ${drainMs} ms after SIGTERM\n`,
    );
    expect(code).toBe(0);
    expect(drainMs).toBeLessThan(30_000);
    expect(child.output()).toMatch(/stopping: draining in-flight requests/);
    expect(child.output()).toMatch(/"msg":"stopped"/);
  }, 60_000);
});
