import pino, { type Logger } from 'pino';

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
  '*.secret',
  '*.clientSecret',
  '*.accessToken',
  '*.refreshToken',
  '*.token',
  '*.authorization',
  '*.codeVerifier',
  'req.headers.authorization',
];

export function createLogger(level: string, name = 'licence-manager', destination?: pino.DestinationStream): Logger {
  return pino({ name, level, redact: { paths: redactPaths, censor: '[redacted]' } }, destination);
}
