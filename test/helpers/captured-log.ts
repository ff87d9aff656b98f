/** A pino logger (the project's own, with redaction) that writes into memory, so tests can read the lines. */
import { createLogger, type Logger } from '../../src/log.js';

export interface CapturedLog {
  log: Logger;
  /** Every line as written. */
  text(): string;
  /** Every line, parsed. */
  entries(): Record<string, unknown>[];
}

export function createCapturedLog(): CapturedLog {
  const lines: string[] = [];
  const log = createLogger({
    level: 'debug',
    format: 'json',
    destination: { write: (line: string) => lines.push(line) },
  });
  return {
    log,
    text: () => lines.join(''),
    entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
