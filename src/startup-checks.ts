// Checks `npm start` makes before doing any work, so a wrong setting is reported in one line, at once.
import net from 'node:net';
import { Client } from 'pg';
import { StartupError } from './startup-error';

const internals = {
  /** The URL without credentials: it goes to the terminal and the log. */
  describeUrl(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    return `${url.protocol}//${url.host}${url.pathname}`;
  },

  databaseProblem(err: unknown, timeoutMs: number): string {
    const { code, message } = err as { code?: string; message?: string };
    switch (code) {
      case 'ECONNREFUSED':
        return 'nothing accepts connections there';
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return 'the host name does not resolve';
      case '28P01':
      case '28000':
        return 'the user name or password is not accepted';
      case '3D000':
        return 'that database does not exist';
      default:
        return /timeout/i.test(message ?? '') ? `no answer within ${timeoutMs} ms` : (message ?? String(err)).split('\n')[0];
    }
  },
};

/** The same one-line report for a listen error, whether found by the check below or by server.start(). */
export function listenError(err: unknown, host: string, port: number): Error {
  switch ((err as { code?: string }).code) {
    case 'EADDRINUSE':
      return new StartupError(
        `PORT ${port} is already in use on ${host} (another npm start?): stop that process, or set PORT to a free port.`,
      );
    case 'EACCES':
      return new StartupError(`PORT ${port} needs administrator rights on ${host}: set PORT to 1024 or above.`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new StartupError(`HOST ${host} is not an address of this machine: set HOST to one of its addresses, or unset it (0.0.0.0).`);
    default:
      return err instanceof Error ? err : new Error(String(err));
  }
}

/** Fails fast when HOST:PORT cannot be listened on, before a database is started for nothing. */
export function assertCanListen(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err) => reject(listenError(err, host, port)));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** Fails fast when DATABASE_URL cannot be reached: the server would otherwise answer only 503s. */
export async function assertDatabaseReachable(databaseUrl: string, timeoutMs: number): Promise<void> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new StartupError(
      `Cannot connect to the database in DATABASE_URL (${internals.describeUrl(databaseUrl)}): ` +
        `${internals.databaseProblem(err, timeoutMs)}. Start PostgreSQL there or fix DATABASE_URL ` +
        '(unset it to use the embedded PostgreSQL).',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
