// The process logger (pino, JSON lines). Redaction lives here so every logger of the app has it:
// hapi-pino ignores its own `redact` option when it is handed an existing logger.
import pino, { type DestinationStream, type Logger } from 'pino';

const internals = {
  redact: {
    // req.query.token: a JWT pasted into the URL is ignored by the API, and must not be logged either.
    paths: [
      'req.headers.authorization',
      'req.headers.cookie',
      'req.query.token',
      'res.headers.authorization',
      'res.headers["set-cookie"]',
    ],
    censor: '[redacted]',
  },
};

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: internals.redact }, destination);
}
