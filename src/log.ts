import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { oneOf } from './config/fields.js';
import { defineConfigPart } from './config/part.js';

export type { Logger } from 'pino';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
const FORMATS = ['json', 'pretty'] as const;
export type LogLevel = (typeof LEVELS)[number];
export type LogFormat = (typeof FORMATS)[number];

export interface LogConfig {
  level: LogLevel;
  format: LogFormat;
}

/** The `log` config part (LOG_LEVEL, LOG_FORMAT): every command declares it, its logger is built from it. */
export const logPart = defineConfigPart(
  { LOG_LEVEL: oneOf(LEVELS), LOG_FORMAT: oneOf(FORMATS) },
  {
    defaults: { LOG_LEVEL: 'info', LOG_FORMAT: 'json' },
    build: (v): LogConfig => ({ level: v.LOG_LEVEL, format: v.LOG_FORMAT }),
  },
);

export interface LogOptions extends LogConfig {
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
