import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * Paths that could carry credentials; pino replaces their values before a line is written. (`code` is
 * left alone: errors carry codes such as ECONNREFUSED, and no OAuth code is ever logged as a field.)
 */
const redactPaths = [
  'secret',
  'clientSecret',
  'accessToken',
  'refreshToken',
  'token',
  'authorization',
  'codeVerifier',
  'serviceAccountToken',
  '*.serviceAccountToken',
  '*.secret',
  '*.clientSecret',
  '*.accessToken',
  '*.refreshToken',
  '*.token',
  '*.authorization',
  '*.codeVerifier',
  'req.headers.authorization',
];

export type LogFormat = 'json' | 'pretty';

/**
 * JSON lines (for machines: the production default, and whenever output is not a terminal), or coloured,
 * readable lines on a terminal. Secrets are redacted before either is written.
 */
export function createLogger(level: string, name = 'licence-manager', destination?: pino.DestinationStream, format?: LogFormat): Logger {
  const wanted = format ?? (process.stdout.isTTY ? 'pretty' : 'json');
  const out = destination ?? (wanted === 'pretty' ? pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', destination: 1, sync: true }) : undefined);
  return pino({ name, level, redact: { paths: redactPaths, censor: '[redacted]' } }, out);
}
