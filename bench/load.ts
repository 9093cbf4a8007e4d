// The benchmark's load generator, run as its own process by bench/run.ts so that generating load
// never shares an event loop with the measurement it reports (and never steals the servers' CPU
// through the parent). Reads a job from the JSON file named by argv[2]: autocannon with `connections`
// for `duration` seconds, cycling through the prepared `requests`. Writes autocannon's result as one
// JSON line on stdout.
//   node --import tsx bench/load.ts job.json
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadJob {
  url: string;
  connections: number;
  duration: number;
  /** Send exactly this many requests instead of running for `duration`. */
  amount?: number;
  requests: LoadRequest[];
}

export interface LoadResult {
  requests: number;
  sent: number;
  reqPerSec: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  non2xx: number;
  /** Response counts by status code, e.g. { "200": 31000, "503": 12 }. */
  statusCodes: Record<string, number>;
}

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(process.argv[2], 'utf8')) as LoadJob;
  let next = 0;
  const statusCodes: Record<string, number> = {};
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const options: autocannon.Options = {
      url: job.url,
      connections: job.connections,
      ...(job.amount ? { amount: job.amount } : { duration: job.duration }),
      requests: [{ setupRequest: (request) => ({ ...request, ...job.requests[next++ % job.requests.length] }) }],
    };
    const instance = autocannon(options, (err, done) =>
      err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(done),
    );
    instance.on('response', (_client, statusCode) => {
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
    });
  });
  const summary: LoadResult = {
    requests: result.requests.total,
    sent: Math.max(result.requests.sent, result.requests.total),
    reqPerSec: Math.round(result.requests.average),
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`load generator failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
