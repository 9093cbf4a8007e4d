// The process logger (pino, JSON lines). Redaction lives here so every logger of the app has it:
// hapi-pino ignores its own `redact` option when it is handed an existing logger.
import pino, { type DestinationStream, type Logger } from 'pino';

const internals = {
  redact: {
    paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers.authorization', 'res.headers["set-cookie"]'],
    censor: '[redacted]',
  },
};

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: internals.redact }, destination);
}
