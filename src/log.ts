import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
export type LogFormat = 'json' | 'pretty';

export interface LogOptions {
  level: LogLevel;
  format: LogFormat;
  /** Where lines go; stderr by default so that commands can print their results on stdout. */
  destination?: DestinationStream;
}

/** Paths removed from every log line: credentials must never reach logs. */
export const REDACT_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.authorization',
  'apiSecret',
  '*.apiSecret',
  'secret',
  '*.secret',
  'password',
  '*.password',
  'token',
  '*.token',
  'tokens',
  '*.tokens',
  'bearerTokens',
  '*.bearerTokens',
  'secretAccessKey',
  '*.secretAccessKey',
];

export function createLogger(options: LogOptions): Logger {
  const destination =
    options.destination ??
    (options.format === 'pretty'
      ? pretty({ destination: 2, sync: true })
      : pino.destination({ dest: 2, sync: true }));
  return pino(
    {
      level: options.level,
      base: { service: 'confluent-sd' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** A logger that drops everything, for tests and library use. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
