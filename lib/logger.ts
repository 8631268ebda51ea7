import pino, { type Logger } from 'pino';
import type * as PinoPretty from 'pino-pretty';

/**
 * One logger factory for every process. JSON lines by default (for log shippers); `LOG_FORMAT=pretty`
 * gives one readable line per event, which `npm start` uses.
 *
 * Privacy: log lines carry source ids, operation names, counts and timings, never an identity number
 * or a person's name. The redaction list is a safety net for fields that should never be logged in the first place.
 */
const REDACT = [
  'nin',
  'nins',
  '*.nin',
  '*.nins',
  'req.headers.authorization',
  'req.headers["ocp-apim-subscription-key"]',
  'headers.authorization',
];

export function createLogger(service: string): Logger {
  const level = process.env.LOG_LEVEL ?? 'info';
  const options = { name: service, level, redact: { paths: REDACT, censor: '[redacted]' } };
  if (process.env.LOG_FORMAT === 'pretty') {
    // Loaded only when asked for (`npm start`): production and tests log JSON and need no formatter.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pretty = (require('pino-pretty') as typeof PinoPretty).default;
    return pino(options, pretty({ sync: true, colorize: process.stdout.isTTY, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' }));
  }
  return pino(options);
}

export type { Logger };
