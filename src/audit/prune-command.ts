/** `prune`: remove snapshots older than N days (never the latest nor the newest). */
import { canonicalJson } from '../bucket/canonical.js';
import { listSnapshots, readLatestManifest } from '../bucket/read.js';
import { defineCommand, parseCommandArgs } from '../command.js';
import { AppError } from '../errors.js';
import { AUDIT_PARTS, READS, withStore } from './command-kit.js';
import { applyPrune, formatPrune, planPrune } from './prune.js';

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
newest. Each snapshot's manifest is deleted first, so an interrupted prune leaves a folder that no longer
counts as a snapshot; the next prune removes it. Folders without a manifest (leftovers) go too once older
than N days and at least an hour old (a younger one may be a publish still writing). latest/ is never touched.

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
      const [listing, latest] = await Promise.all([listSnapshots(store), readLatestManifest(store)]);
      const plan = planPrune(listing, latest?.runId ?? null, new Date(), keepDays);
      const deleted = dryRun ? 0 : await applyPrune(store, plan, log);
      log.info(
        { removed: plan.remove.length, kept: plan.kept.length, objectsDeleted: deleted, dryRun },
        'prune finished',
      );
      ctx.stdout.write(json ? canonicalJson({ ...plan, dryRun }) : `${formatPrune(plan, dryRun)}\n`);
      return 0;
    });
  },
});
