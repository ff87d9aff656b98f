/** `prune`: remove snapshots older than N days (never the latest nor the newest). */
import { readdir, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson } from '../bucket/canonical.js';
import { KEYS, RUN_ID_RE } from '../bucket/keys.js';
import { listSnapshots, readLatestManifest } from '../bucket/read.js';
import { parseRunId } from '../bucket/run-id.js';
import { defineCommand, parseCommandArgs } from '../command.js';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import { AUDIT_PARTS, READS, withStore } from './command-kit.js';
import { applyPrune, formatPrune, INCOMPLETE_GRACE_MS, type PrunePlan, planPrune } from './prune.js';

/**
 * A `file:` store keeps a snapshot's folder when its last file is deleted (S3 has no folders). This removes the
 * folders the prune emptied, and empty ones an earlier prune left once past the cutoff and the grace hour (a
 * younger empty folder may be a publish about to write). `rmdir` removes a folder only while it is empty.
 */
async function removeEmptyFolders(dir: string, plan: PrunePlan, now: Date, log: Logger): Promise<void> {
  const snapshots = path.join(dir, KEYS.snapshotsPrefix);
  const entries = await readdir(snapshots, { withFileTypes: true }).catch(() => []);
  const before = Math.min(Date.parse(plan.cutoff), now.getTime() - INCOMPLETE_GRACE_MS);
  const pruned = new Set(plan.remove.map((r) => r.runId));
  const removed: string[] = [];
  for (const e of entries) {
    if (!e.isDirectory() || !RUN_ID_RE.test(e.name) || e.name === plan.latest) continue;
    if (!pruned.has(e.name) && (parseRunId(e.name)?.getTime() ?? Number.POSITIVE_INFINITY) >= before)
      continue;
    try {
      await rmdir(path.join(snapshots, e.name));
      removed.push(e.name);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOENT')
        log.warn({ err, folder: e.name }, 'empty snapshot folder not removed');
    }
  }
  if (removed.length > 0) log.info({ folders: removed }, 'empty snapshot folders removed');
}

function parsePruneArgs(argv: string[]): { keepDays: number; dryRun: boolean; json: boolean } {
  const { values } = parseCommandArgs(argv, {
    'keep-days': { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  const raw = values['keep-days'];
  if (raw === undefined) throw new AppError('USAGE', '--keep-days N is required');
  if (!/^\d{1,6}$/.test(raw))
    throw new AppError('USAGE', `--keep-days must be a whole number of days, got "${raw}"`);
  return { keepDays: Number(raw), dryRun: values['dry-run'], json: values.json };
}

export const pruneCommand = defineCommand({
  summary: 'remove snapshots older than N days (never the latest nor the newest)',
  help: `usage: confluent-sd prune --keep-days N [--dry-run] [--json]

Removes every snapshot whose run id is more than N days old, except the one latest/ points to and the
newest. Each removal is recorded first in pruned/<runId>.json (so the gap it leaves in the previousRunId
chain is no error for verify), then the snapshot's manifest is deleted, so an interrupted prune leaves a
folder that no longer counts as a snapshot; the next prune removes it. Folders without a manifest (leftovers) go too once older
than N days and at least an hour old (a younger one may be a publish still writing). On a file: store the
emptied folders are removed too. latest/ is never touched.

flags:
  --keep-days N   age limit in days (a whole number, 0 or more; 0 keeps only the latest and the newest)
  --dry-run       list what would be removed, remove nothing
  --json          machine-readable plan (sorted keys)

${READS}

exit: 0 ok · 1 the store failed · 2 bad flag, or latest/manifest.json of a newer schema`,
  parseArgs: parsePruneArgs,
  config: AUDIT_PARTS,
  async run(ctx) {
    const { keepDays, dryRun, json } = ctx.args;
    return withStore(ctx, !dryRun, async (store, log) => {
      const now = new Date();
      const [listing, latest] = await Promise.all([listSnapshots(store), readLatestManifest(store)]);
      const plan = planPrune(listing, latest?.runId ?? null, now, keepDays);
      const deleted = dryRun ? 0 : await applyPrune(store, plan, log, now);
      if (!dryRun && ctx.config.store.kind === 'file')
        await removeEmptyFolders(ctx.config.store.dir, plan, now, log);
      log.info(
        { removed: plan.remove.length, kept: plan.kept.length, objectsDeleted: deleted, dryRun },
        'prune finished',
      );
      ctx.stdout.write(json ? canonicalJson({ ...plan, dryRun }) : `${formatPrune(plan, dryRun)}\n`);
      return 0;
    });
  },
});
