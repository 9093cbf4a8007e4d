// `npm run start:two`: two API processes on one database behind one port, the way several Heroku
// dynos sit behind the router (docs/scaling.md). A round-robin proxy on PORT (default 3000) sends each
// request to the next instance and says which one answered in `X-Instance: A|B`. Same environment as
// `npm start` (embedded PostgreSQL when DATABASE_URL is unset); set REDIS_URL to share rate limits.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { loadConfigOrExit } from './config';
import { openDefaultDatabase } from './db/default-database';
import { freePort } from './db/embedded';
import { createLogger } from './logger';

interface Instance {
  readonly name: string;
  readonly port: number;
  readonly child: ChildProcess;
}

const internals = {
  names: ['A', 'B'],

  async start(name: string, databaseUrl: string): Promise<Instance> {
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(__dirname, 'index.js')], {
      // The proxy appends the client's address to X-Forwarded-For, as Heroku's router does.
      env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', TRUST_PROXY: 'true' },
      stdio: 'inherit',
    });
    return { name, port, child };
  },

  /** Round robin: each request goes to the next instance, whose name comes back in X-Instance. */
  proxy(instances: readonly Instance[]): http.Server {
    let next = 0;
    return http.createServer((req, res) => {
      const instance = instances[next++ % instances.length];
      const forwardedFor = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
      const upstream = http.request(
        {
          host: '127.0.0.1',
          port: instance.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, 'x-forwarded-for': forwardedFor },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'x-instance': instance.name });
          answer.pipe(res);
        },
      );
      upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502, { 'x-instance': instance.name }).end()));
      req.pipe(upstream);
    });
  },

  stopped(child: ChildProcess): Promise<unknown> {
    return child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM')) : Promise.resolve();
  },

  /** Until the instance answers (or the launcher is stopping), so the first requests do not meet a 502. */
  async answering(port: number, stopping: () => boolean): Promise<void> {
    const up = () =>
      fetch(`http://127.0.0.1:${port}/`).then(
        (res) => res.ok,
        () => false,
      );
    while (!stopping() && !(await up())) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  },
};

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel === 'silent' ? 'info' : config.logLevel);
  const { url, embedded } = await openDefaultDatabase(config.databaseUrl, logger);
  if (!config.redisUrl) {
    logger.warn('REDIS_URL is not set: each instance counts rate limits on its own (REDIS_URL=redis://127.0.0.1:6379 shares them)');
  }
  const instances: Instance[] = [];
  for (const name of internals.names) {
    instances.push(await internals.start(name, url));
  }
  const proxy = internals.proxy(instances);

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) {
      return;
    }
    stopping = true;
    proxy.close();
    await Promise.all(instances.map(({ child }) => internals.stopped(child)));
    await embedded?.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  for (const { name, child } of instances) {
    child.on('exit', (code) => {
      if (!stopping) {
        logger.error({ instance: name, code }, 'an instance exited: stopping the other');
        void stop(1);
      }
    });
  }

  for (const { port } of instances) {
    await internals.answering(port, () => stopping);
  }
  proxy.listen(config.port, config.host, () =>
    logger.info(
      { uri: `http://${config.host}:${config.port}`, instances: instances.map(({ name, port }) => ({ name, port })) },
      'two instances behind one port',
    ),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`Failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
