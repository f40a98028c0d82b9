import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths that could carry credentials; pino replaces their values before a line is written. */
const redactPaths = [
  'secret',
  'clientSecret',
  'accessToken',
  'refreshToken',
  'token',
  'authorization',
  'code',
  'codeVerifier',
  '*.secret',
  '*.clientSecret',
  '*.accessToken',
  '*.refreshToken',
  '*.token',
  '*.authorization',
  '*.code',
  '*.codeVerifier',
  'req.headers.authorization',
];

export function createLogger(level: string, name = 'licence-manager', destination?: pino.DestinationStream): Logger {
  return pino({ name, level, redact: { paths: redactPaths, censor: '[redacted]' } }, destination);
}
