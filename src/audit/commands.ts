/**
 * The auditors' commands: `history`, `diff`, `verify`, `prune`. They read the bucket alone (SD_STORE); only
 * `prune` writes. Results go to stdout (text, or `--json` with sorted keys), logs to the logger (stderr).
 */

import { canonicalJson } from '../bucket/canonical.js';
import { KEYS, RUN_ID_RE } from '../bucket/keys.js';
import type { Manifest } from '../bucket/manifest.js';
import { listSnapshots, readLatestManifest } from '../bucket/read.js';
import { type Command, type CommandContext, commandLogger, parseCommandArgs, writeLine } from '../command.js';
import { loadConfig } from '../config.js';
import { AppError, describeError, exitCodeFor, isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import { openStore } from '../store/open-store.js';
import type { Store, StoreReader } from '../store/store.js';
import { diffSnapshots, type SnapshotContent } from './diff.js';
import { documentToResources } from './document-resources.js';
import { formatDiff } from './format-diff.js';
import { formatHistory, listHistory } from './history.js';
import { applyPrune, formatPrune, planPrune } from './prune.js';
import { parseSnapshotRef, parseTime, readSnapshotDocuments, resolveSnapshotRef } from './snapshots.js';
import { formatVerify, verifyExitCode, verifyStore } from './verify.js';

const READS =
  'reads: SD_STORE, S3_ENDPOINT, AWS_REGION (+ AWS credential chain), SD_CONFIG_FILE, LOG_LEVEL, LOG_FORMAT';

/** Opens the store, runs `fn`, and turns a failure into a message on stderr and its exit code. */
async function runAudit(
  ctx: CommandContext,
  name: string,
  write: boolean,
  fn: (store: Store, log: Logger) => Promise<number>,
  /** diff keeps 1 for "different", so any failure is 2 ("trouble", as diff(1) does). */
  failureFloor = 0,
): Promise<number> {
  let log: Logger | undefined;
  try {
    const config = loadConfig(ctx.env, ['store', 'log'], ctx.cwd);
    log = commandLogger(ctx);
    const store = await openStore(config.store, log, write);
    try {
      return await fn(store, log);
    } finally {
      await store.close();
    }
  } catch (err) {
    const code = Math.max(exitCodeFor(err), failureFloor);
    log?.error({ err, exitCode: code }, `${name} failed`);
    writeLine(
      ctx.stderr,
      `confluent-sd ${name}: ${isAppError(err) ? `${err.code}: ` : ''}${describeError(err)}`,
    );
    return code;
  }
}

/** Argument errors before the store is opened: same message shape and exit 2. */
function usageFailure(ctx: CommandContext, name: string, err: unknown): number {
  writeLine(
    ctx.stderr,
    `confluent-sd ${name}: ${isAppError(err) ? `${err.code}: ` : ''}${describeError(err)}`,
  );
  return exitCodeFor(err);
}

export const historyCommand: Command = {
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
  async run(ctx) {
    let filter: { since?: Date; until?: Date };
    let json: boolean;
    try {
      const { values } = parseCommandArgs(ctx.argv, {
        json: { type: 'boolean', default: false },
        since: { type: 'string' },
        until: { type: 'string' },
      });
      json = values.json;
      filter = {
        ...(values.since !== undefined ? { since: parseTime(values.since, '--since') } : {}),
        ...(values.until !== undefined ? { until: parseTime(values.until, '--until') } : {}),
      };
    } catch (err) {
      return usageFailure(ctx, 'history', err);
    }
    return runAudit(ctx, 'history', false, async (store) => {
      const history = await listHistory(store, filter);
      ctx.stdout.write(json ? canonicalJson(history) : `${formatHistory(history)}\n`);
      const unreadable = history.snapshots.filter((s) => s.errorCode !== null);
      for (const s of unreadable) writeLine(ctx.stderr, `confluent-sd history: ${s.errorCode}: ${s.error}`);
      if (unreadable.some((s) => s.errorCode !== 'SCHEMA_UNSUPPORTED')) return 1;
      return unreadable.length > 0 ? 2 : 0;
    });
  },
};

async function readSnapshotContent(store: StoreReader, manifest: Manifest): Promise<SnapshotContent> {
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

export const diffCommand: Command = {
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
  async run(ctx) {
    let parsed: ReturnType<typeof parseDiffArgs>;
    try {
      parsed = parseDiffArgs(ctx.argv);
    } catch (err) {
      return usageFailure(ctx, 'diff', err);
    }
    const { json, at, refs } = parsed;
    return runAudit(
      ctx,
      'diff',
      false,
      async (store) => {
        if (at) {
          const m = await resolveSnapshotRef(store, { kind: 'time', time: at });
          ctx.stdout.write(
            json
              ? canonicalJson({ at: at.toISOString(), createdAt: m.createdAt, runId: m.runId })
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
        ctx.stdout.write(json ? canonicalJson(diff) : `${formatDiff(diff)}\n`);
        return diff.identical ? 0 : 1;
      },
      2,
    );
  },
};

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

export const verifyCommand: Command = {
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
  async run(ctx) {
    let json: boolean;
    let target: string | undefined;
    try {
      const { values, positionals } = parseCommandArgs(
        ctx.argv,
        { json: { type: 'boolean', default: false } },
        true,
      );
      if (positionals.length > 1)
        throw new AppError('USAGE', `verify takes at most one run id, got ${positionals.length}`);
      target = positionals[0];
      if (target !== undefined && target !== 'latest' && !RUN_ID_RE.test(target)) {
        throw new AppError('USAGE', `"${target}" is not a run id (YYYYMMDDTHHMMSSZ) or "latest"`);
      }
      json = values.json;
    } catch (err) {
      return usageFailure(ctx, 'verify', err);
    }
    return runAudit(ctx, 'verify', false, async (store, log) => {
      const report = await verifyStore(store, target);
      ctx.stdout.write(json ? canonicalJson(report) : `${formatVerify(report)}\n`);
      if (report.problems.length > 0) log.warn({ problems: report.problems.length }, 'verify found problems');
      return verifyExitCode(report);
    });
  },
};

export const pruneCommand: Command = {
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
  async run(ctx) {
    let keepDays: number;
    let dryRun: boolean;
    let json: boolean;
    try {
      const { values } = parseCommandArgs(ctx.argv, {
        'keep-days': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      });
      const raw = values['keep-days'];
      if (raw === undefined) throw new AppError('USAGE', '--keep-days N is required');
      if (!/^\d{1,6}$/.test(raw))
        throw new AppError('USAGE', `--keep-days must be a whole number of days, got "${raw}"`);
      keepDays = Number(raw);
      dryRun = values['dry-run'];
      json = values.json;
    } catch (err) {
      return usageFailure(ctx, 'prune', err);
    }
    return runAudit(ctx, 'prune', !dryRun, async (store, log) => {
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
};
