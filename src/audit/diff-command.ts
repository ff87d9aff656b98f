/** `diff`: what changed between two snapshots, per document, by resource. */
import { canonicalJson } from '../bucket/canonical.js';
import { KEYS } from '../bucket/keys.js';
import type { Manifest } from '../bucket/manifest.js';
import { defineCommand, parseCommandArgs } from '../command.js';
import { AppError } from '../errors.js';
import type { StoreReader } from '../store/store.js';
import { AUDIT_PARTS, parseFormat, READS, withStore } from './command-kit.js';
import { diffToCsv } from './csv.js';
import { findCurrentAt, formatCurrentAt } from './current-at.js';
import { diffSnapshots, type SnapshotContent } from './diff.js';
import { documentToResources } from './document-resources.js';
import { formatDiff } from './format-diff.js';
import { organizationArg, scopeSnapshot } from './organization-scope.js';
import {
  nothingPublished,
  parseSnapshotRef,
  parseTime,
  readAllSnapshots,
  readSnapshotDocuments,
  readSnapshotInfos,
  resolveSnapshotRef,
} from './snapshots.js';

/**
 * Without B, the newest current snapshot (the one `latest/` points to); without A either, the one it replaced.
 * Orphans (snapshots `latest/` never pointed at) are never taken.
 */
async function resolveDefaultPair(
  store: StoreReader,
  ref: string | undefined,
): Promise<[Manifest, Manifest]> {
  const { latest, reads, chain } = await readAllSnapshots(store);
  const [newest, previous] = chain.runIds;
  if (!latest || !newest) throw nothingPublished(store);
  const to = await resolveSnapshotRef(store, { kind: 'run', runId: newest });
  if (ref !== undefined) return [await resolveSnapshotRef(store, parseSnapshotRef(ref)), to];
  if (!previous) {
    const unreadable = reads.find((r) => r.runId === latest.previousRunId)?.error;
    if (unreadable) throw unreadable;
    const why =
      latest.previousRunId === null
        ? 'the first'
        : `it replaced ${latest.previousRunId}, which is no longer in the store`;
    throw new AppError(
      'SNAPSHOT_NOT_FOUND',
      `diff needs two snapshots latest/ pointed at; ${store.location} has one (${newest}, ${why})`,
    );
  }
  return [await resolveSnapshotRef(store, { kind: 'run', runId: previous }), to];
}

export async function readSnapshotContent(store: StoreReader, manifest: Manifest): Promise<SnapshotContent> {
  const [bodies, infos] = await Promise.all([
    readSnapshotDocuments(store, manifest),
    readSnapshotInfos(store, manifest),
  ]);
  const where = (key: string) => `${store.location}/${key}`;
  const documents = new Map(
    [...bodies].map(([name, body]) => {
      const entry = manifest.documents[name];
      if (!entry) throw new AppError('MANIFEST_INVALID', `snapshot ${manifest.runId}: no entry for ${name}`);
      const info = infos.get(name);
      return [
        name,
        documentToResources(
          body,
          entry,
          where(KEYS.snapshotDocument(manifest.runId, name)),
          info === undefined
            ? undefined
            : { body: info, where: where(KEYS.snapshotInfo(manifest.runId, name)) },
        ),
      ] as const;
    }),
  );
  return { manifest, documents };
}

export const diffCommand = defineCommand({
  summary: 'what changed between two snapshots, per document, by resource',
  help: `usage: confluent-sd diff [--json | --format text|json|csv] [--organization NAME] [A [B]]
       confluent-sd diff --at TIME [--json]

Compares two snapshots by resource (not by bytes): per document, target groups added and removed,
labels changed (old → new), and changes of the document's targets, prefix, param style or grouping.
A document whose resources stayed but were grouped otherwise (resource ↔ plan, a plan repacked or
degraded otherwise) is "regrouped": groups before → after, resources moved, not resources added/removed.
Documents are matched by targets + prefix, so snapshots written with other prefixes or param styles compare.

A and B are run ids (YYYYMMDDTHHMMSSZ), "latest" (the snapshot latest/ points to), or an ISO time (the snapshot
current at that time, as --at tells it). No argument: latest against the snapshot it replaced. One argument: A against latest.
Only snapshots latest/ pointed at count as current (previousRunId followed back from latest/manifest.json); an
orphan (a run that wrote its snapshot but never switched latest/) is compared only when named by run id.

flags:
  --json        machine-readable output (sorted keys; shape in the README, "For auditors")
  --format F    text (default), json (= --json) or csv (one row per resource added or removed and per label
                changed: from, to, document, change, type, id, name, label, old, new)
  --at TIME     print the snapshot that was current at TIME (ISO 8601; no zone = UTC): the one latest/ pointed
                at then, from the time its run switched latest/ to it (its createdAt when no switch is
                recorded) until the next switch; and exit
  --organization NAME  only the documents that include that organisation (SD_CONFIG_FILE organizations:)
                and of them only the resources labelled with it

${READS}

exit: 0 identical · 1 different · 2 trouble: bad argument, unknown run id, missing manifest, manifest of a
      newer schema, store unreachable`,
  parseArgs: parseDiffArgs,
  config: AUDIT_PARTS,
  // diff keeps 1 for "different", so any failure is 2 ("trouble", as diff(1) does)
  minFailureExit: 2,
  async run(ctx) {
    const { format, at, refs, organization } = ctx.args;
    const json = format === 'json';
    return withStore(ctx, false, async (store) => {
      if (at) {
        const current = await findCurrentAt(store, at);
        ctx.stdout.write(json ? canonicalJson(current) : `${formatCurrentAt(current)}\n`);
        return 0;
      }
      const [from, to] =
        refs.length === 2
          ? [
              await resolveSnapshotRef(store, parseSnapshotRef(refs[0]!)),
              await resolveSnapshotRef(store, parseSnapshotRef(refs[1]!)),
            ]
          : await resolveDefaultPair(store, refs[0]);
      const diff = diffSnapshots(
        scopeSnapshot(await readSnapshotContent(store, from), organization),
        scopeSnapshot(await readSnapshotContent(store, to), organization),
      );
      ctx.stdout.write(
        json ? canonicalJson(diff) : format === 'csv' ? diffToCsv(diff) : `${formatDiff(diff)}\n`,
      );
      return diff.identical ? 0 : 1;
    });
  },
});

function parseDiffArgs(argv: string[]): {
  format: 'text' | 'json' | 'csv';
  at: Date | undefined;
  refs: string[];
  organization?: string;
} {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      json: { type: 'boolean', default: false },
      format: { type: 'string' },
      at: { type: 'string' },
      organization: { type: 'string' },
    },
    true,
  );
  if (positionals.length > 2)
    throw new AppError('USAGE', `diff takes at most two snapshots, got ${positionals.length}`);
  if (values.at !== undefined && positionals.length > 0)
    throw new AppError('USAGE', '--at takes no snapshot arguments');
  for (const p of positionals) parseSnapshotRef(p);
  return {
    format: parseFormat(values.format, values.json),
    at: values.at === undefined ? undefined : parseTime(values.at, '--at'),
    refs: positionals,
    ...organizationArg(values.organization),
  };
}
