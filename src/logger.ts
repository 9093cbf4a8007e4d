// The process logger (pino, JSON lines). Redaction lives here so every logger of the app has it:
// hapi-pino ignores its own `redact` option when it is handed an existing logger.
import pino, { type DestinationStream, type Logger } from 'pino';

const internals = {
  redact: {
    // req.query.token: a JWT pasted into the URL is ignored by the API, and must not be logged either.
    paths: ['req.headers.authorization', 'req.headers.cookie', 'req.query.token', 'res.headers.authorization', 'res.headers["set-cookie"]'],
    censor: '[redacted]',
  },
};

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: internals.redact }, destination);
}

/**
 * The server process's logger: lines go to stdout asynchronously, so a write never blocks the
 * request that logs it and lines written under load are batched; pino flushes what is pending
 * when the process exits.
 */
export function createProcessLogger(level: string): Logger {
  return createLogger(level, pino.destination({ dest: 1, sync: false }));
}
