/**
 * The auditors' commands: `history`, `diff`, `verify`, `prune`. They read the bucket alone (SD_STORE); only
 * `prune` writes. Results go to stdout (text, or `--json` with sorted keys), logs to the logger (stderr).
 */
import { type CommandContext, defineCommand, parseCommandArgs, writeLine } from '../command.js';
import type { ConfigOf } from '../config/load.js';
import { AppError } from '../errors.js';
import { type Logger, logPart } from '../log.js';
import { storePart } from '../store/config.js';
import type { Store } from '../store/store.js';
import { openStore } from './command.js';
import { diffSnapshots, renderDiff, type SnapshotContent } from './diff.js';
import { documentToResources } from './document-resources.js';
import { listHistory, renderHistory } from './history.js';
import { KEYS, type Manifest, RUN_ID_RE, stableStringify } from './manifest.js';
import { applyPrune, planPrune, renderPrune } from './prune.js';
import {
  listSnapshots,
  parseSnapshotRef,
  parseTime,
  readLatestManifest,
  readSnapshotDocuments,
  resolveSnapshotRef,
} from './snapshots.js';
import { renderVerify, verifyExitCode, verifyStore } from './verify.js';

const READS =
  'reads: SD_STORE, S3_ENDPOINT, AWS_REGION (+ AWS credential chain), SD_CONFIG_FILE, LOG_LEVEL, LOG_FORMAT';

/** The auditors read the bucket alone. */
const AUDIT_PARTS = { store: storePart, log: logPart } as const;

/** Opens the store (checked reachable, and writable for `write`), runs `fn`, and closes it. */
async function withStore<A>(
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

function parseHistoryArgs(argv: string[]): { json: boolean; filter: { since?: Date; until?: Date } } {
  const { values } = parseCommandArgs(argv, {
    json: { type: 'boolean', default: false },
    since: { type: 'string' },
    until: { type: 'string' },
  });
  return {
    json: values.json,
    filter: {
      ...(values.since !== undefined ? { since: parseTime(values.since, '--since') } : {}),
      ...(values.until !== undefined ? { until: parseTime(values.until, '--until') } : {}),
    },
  };
}

export const historyCommand = defineCommand({
  summary: 'list the snapshots in the store, newest first',
  help: `usage: confluent-sd history [--json] [--since TIME] [--until TIME]

One line per snapshot, newest first: run id, time written, resources per type, documents, the run it
replaced, and for the snapshot latest/ points to the last time a run found it unchanged (checkedAt).

flags:
  --json          machine-readable output (sorted keys; shape in the README, "For auditors")
  --since TIME    only snapshots written at or after TIME (ISO 8601, e.g. 2025-01-31T12:00:00Z; no zone = UTC)
  --until TIME    only snapshots written at or before TIME

${READS}

exit: 0 ok · 1 store unreachable or a manifest unreadable · 2 bad flag, or a manifest of a newer schema`,
  parseArgs: parseHistoryArgs,
  config: AUDIT_PARTS,
  async run(ctx) {
    const { json, filter } = ctx.args;
    return withStore(ctx, false, async (store) => {
      const history = await listHistory(store, filter);
      ctx.stdout.write(json ? stableStringify(history) : `${renderHistory(history)}\n`);
      const unreadable = history.snapshots.filter((s) => s.errorCode !== null);
      for (const s of unreadable) writeLine(ctx.stderr, `confluent-sd history: ${s.errorCode}: ${s.error}`);
      if (unreadable.some((s) => s.errorCode !== 'SCHEMA_UNSUPPORTED')) return 1;
      return unreadable.length > 0 ? 2 : 0;
    });
  },
});

async function readSnapshotContent(store: Store, manifest: Manifest): Promise<SnapshotContent> {
  const bodies = await readSnapshotDocuments(store, manifest);
  const documents = new Map(
    [...bodies].map(([name, body]) => {
      const entry = manifest.documents[name];
      if (!entry) throw new AppError('MANIFEST_INVALID', `snapshot ${manifest.runId}: no entry for ${name}`);
      return [
        name,
        documentToResources(body, entry, `${store.location}/${KEYS.snapshotDocument(manifest.runId, name)}`),
      ] as const;
    }),
  );
  return { manifest, documents };
}

export const diffCommand = defineCommand({
  summary: 'what changed between two snapshots, per document, by resource',
  help: `usage: confluent-sd diff [--json] [A [B]]
       confluent-sd diff --at TIME [--json]

Compares two snapshots by resource (not by bytes): per document, target groups added and removed,
labels changed (old → new), and changes of the document's targets, prefix, param style or grouping.
Documents are matched by targets + prefix, so snapshots written with other prefixes or param styles compare.

A and B are run ids (YYYYMMDDTHHMMSSZ), "latest" (the snapshot latest/ points to), or an ISO time (the snapshot
current at that time). No argument: the two newest snapshots. One argument: A against the newest.

flags:
  --json        machine-readable output (sorted keys; shape in the README, "For auditors")
  --at TIME     print the snapshot that was current at TIME (ISO 8601; no zone = UTC) and exit

${READS}

exit: 0 identical · 1 different · 2 trouble: bad argument, unknown run id, missing manifest, manifest of a
      newer schema, store unreachable`,
  parseArgs: parseDiffArgs,
  config: AUDIT_PARTS,
  // diff keeps 1 for "different", so any failure is 2 ("trouble", as diff(1) does)
  minFailureExit: 2,
  async run(ctx) {
    const { json, at, refs } = ctx.args;
    return withStore(ctx, false, async (store) => {
      if (at) {
        const m = await resolveSnapshotRef(store, { kind: 'time', time: at });
        ctx.stdout.write(
          json
            ? stableStringify({ at: at.toISOString(), createdAt: m.createdAt, runId: m.runId })
            : `${m.runId}\n`,
        );
        return 0;
      }
      let from: Manifest;
      let to: Manifest;
      if (refs.length === 2) {
        from = await resolveSnapshotRef(store, parseSnapshotRef(refs[0]!));
        to = await resolveSnapshotRef(store, parseSnapshotRef(refs[1]!));
      } else {
        const { runIds } = await listSnapshots(store);
        const newest = runIds[0];
        if (refs.length === 1) from = await resolveSnapshotRef(store, parseSnapshotRef(refs[0]!));
        else if (runIds[1]) from = await resolveSnapshotRef(store, { kind: 'run', runId: runIds[1] });
        else
          throw new AppError(
            'SNAPSHOT_NOT_FOUND',
            `diff needs two snapshots; ${store.location} has ${runIds.length}`,
          );
        if (!newest) throw new AppError('SNAPSHOT_NOT_FOUND', `${store.location} has no snapshot`);
        to = await resolveSnapshotRef(store, { kind: 'run', runId: newest });
      }
      const diff = diffSnapshots(
        await readSnapshotContent(store, from),
        await readSnapshotContent(store, to),
      );
      ctx.stdout.write(json ? stableStringify(diff) : `${renderDiff(diff)}\n`);
      return diff.identical ? 0 : 1;
    });
  },
});

function parseDiffArgs(argv: string[]): { json: boolean; at: Date | undefined; refs: string[] } {
  const { values, positionals } = parseCommandArgs(
    argv,
    { json: { type: 'boolean', default: false }, at: { type: 'string' } },
    true,
  );
  if (positionals.length > 2)
    throw new AppError('USAGE', `diff takes at most two snapshots, got ${positionals.length}`);
  if (values.at !== undefined && positionals.length > 0)
    throw new AppError('USAGE', '--at takes no snapshot arguments');
  for (const p of positionals) parseSnapshotRef(p);
  return {
    json: values.json,
    at: values.at === undefined ? undefined : parseTime(values.at, '--at'),
    refs: positionals,
  };
}

function parseVerifyArgs(argv: string[]): { json: boolean; target: string | undefined } {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean', default: false } }, true);
  if (positionals.length > 1)
    throw new AppError('USAGE', `verify takes at most one run id, got ${positionals.length}`);
  const target = positionals[0];
  if (target !== undefined && target !== 'latest' && !RUN_ID_RE.test(target)) {
    throw new AppError('USAGE', `"${target}" is not a run id (YYYYMMDDTHHMMSSZ) or "latest"`);
  }
  return { json: values.json, target };
}

export const verifyCommand = defineCommand({
  summary: 'check every snapshot document against the sha256 in its manifest',
  help: `usage: confluent-sd verify [--json] [RUN_ID | latest]

Re-hashes every document a manifest lists and reports each object that is missing, whose sha256 or size
differs from the manifest, or that sits in a snapshot folder without being listed. No argument: every
snapshot and latest/ (whose manifest must match its snapshot's except checkedAt). "latest": latest/ and
its snapshot. RUN_ID: that snapshot.

flags:
  --json    machine-readable report (sorted keys)

${READS}

exit: 0 every object matches · 1 an object is missing, altered or unlisted · 2 bad argument, unknown run id,
      missing manifest, manifest of a newer schema`,
  parseArgs: parseVerifyArgs,
  config: AUDIT_PARTS,
  async run(ctx) {
    const { json, target } = ctx.args;
    return withStore(ctx, false, async (store, log) => {
      const report = await verifyStore(store, target);
      ctx.stdout.write(json ? stableStringify(report) : `${renderVerify(report)}\n`);
      if (report.problems.length > 0) log.warn({ problems: report.problems.length }, 'verify found problems');
      return verifyExitCode(report);
    });
  },
});

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
      ctx.stdout.write(json ? stableStringify({ ...plan, dryRun }) : `${renderPrune(plan, dryRun)}\n`);
      return 0;
    });
  },
});
