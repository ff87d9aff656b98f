/** What the auditors' commands share: they read the bucket alone (SD_STORE); only `prune` writes. */
import type { CommandContext } from '../command.js';
import type { ConfigOf } from '../config/load.js';
import { AppError } from '../errors.js';
import { type Logger, logPart } from '../log.js';
import { storePart } from '../store/config.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';

export const READS =
  'reads: SD_STORE, S3_ENDPOINT, AWS_REGION (+ AWS credential chain), SD_CONFIG_FILE, LOG_LEVEL, LOG_FORMAT';

/** The auditors read the bucket alone. */
export const AUDIT_PARTS = { store: storePart, log: logPart } as const;

/** Opens the store (checked reachable, and writable for `write`), runs `fn`, and closes it. */
export async function withStore<A>(
  ctx: CommandContext<A, ConfigOf<typeof AUDIT_PARTS>>,
  write: boolean,
  fn: (store: Store, log: Logger) => Promise<number>,
): Promise<number> {
  const store = await openStore(ctx.config.store, ctx.log, write);
  try {
    return await fn(store, ctx.log);
  } finally {
    await store.close();
  }
}

/** `--format text|json|csv` (history, diff), with `--json` as the older spelling of `--format json`. */
export function parseFormat(format: string | undefined, json: boolean): 'text' | 'json' | 'csv' {
  if (format === undefined) return json ? 'json' : 'text';
  if (format !== 'text' && format !== 'json' && format !== 'csv')
    throw new AppError('USAGE', `--format must be text, json or csv, got "${format}"`);
  if (json && format !== 'json') throw new AppError('USAGE', `--json and --format ${format} disagree`);
  return format;
}
