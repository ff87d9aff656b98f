/**
 * Stale beats partial, per organisation (SD_CONFIG_FILE `organizations:`): when some organisations' discovery
 * failed and others' did not, a document that includes a failed organisation is not rendered from what is left.
 * It keeps its bytes of the previous snapshot (read back and checked against their sha256), or, when it has none,
 * is not published at all; the other documents publish. The run then ends with exit 1 and a status naming the
 * failed organisations (docs/output.md, "Several organisations").
 */
import { sha256 } from '../bucket/canonical.js';
import { KEYS } from '../bucket/keys.js';
import {
  type DocumentEntry,
  type Manifest,
  type ResourceCounts,
  selectsOrganization,
} from '../bucket/manifest.js';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { RenderedDocument } from '../render/render.js';
import type { Store } from '../store/store.js';
import type { Discovered, FailedOrganization } from './run.js';

export interface PartialOutcome {
  /** What the run writes: the fresh documents and the kept ones. */
  docs: RenderedDocument[];
  /** Documents that include a failed organisation and keep the previous snapshot's bytes. */
  kept: string[];
  /** Documents that include a failed organisation and had no previous bytes: not published by this run. */
  withheld: string[];
  failed: FailedOrganization[];
}

/** A document without `organizations:` in its selection includes every organisation. */
export function includesAny(doc: RenderedDocument, failed: ReadonlySet<string>): boolean {
  return [...failed].some((o) => selectsOrganization(doc.selection, o));
}

export async function keepFailedOrganizations(
  store: Store,
  docs: readonly RenderedDocument[],
  discovered: Discovered,
  previous: Manifest | undefined,
  log: Logger,
): Promise<PartialOutcome> {
  const failed = discovered.failed ?? [];
  const names = new Set(failed.map((f) => f.name));
  const out: PartialOutcome = { docs: [], kept: [], withheld: [], failed };
  for (const d of docs) {
    if (names.size === 0 || !includesAny(d, names)) out.docs.push(d);
    else {
      const old = await readPreviousDocument(store, d, previous);
      if (old) out.docs.push(old);
      (old ? out.kept : out.withheld).push(d.name);
    }
  }
  if (names.size > 0 && out.docs.length === out.kept.length) throw nothingFreshError(out);
  if (names.size > 0)
    log.warn(
      { failed: [...names], kept: out.kept, withheld: out.withheld },
      'organizations failed: their documents keep the previous snapshot',
    );
  return out;
}

/** The previous snapshot's bytes of a document, checked; undefined when it had none. */
async function readPreviousDocument(
  store: Store,
  d: RenderedDocument,
  previous: Manifest | undefined,
): Promise<RenderedDocument | undefined> {
  const entry = previous?.documents[d.name];
  if (!previous || !entry?.info) return undefined;
  const body = (await store.get(KEYS.snapshotDocument(previous.runId, d.name))).body;
  const info = (await store.get(KEYS.snapshotInfo(previous.runId, d.name))).body;
  if (sha256(body) !== entry.sha256 || sha256(info) !== entry.info.sha256)
    throw new AppError(
      'MANIFEST_INVALID',
      `keep ${d.name} from snapshot ${previous.runId}: its bytes do not match the manifest's sha256`,
    );
  return {
    name: d.name,
    combination: { targets: [...entry.targets], prefix: entry.prefix },
    body: body.toString('utf8'),
    groups: entry.groups,
    warnings: [],
    info: { body: info.toString('utf8'), series: entry.info.series },
    ...(d.selection ? { selection: d.selection } : {}),
  };
}

/** The manifest entries of a partial run: a kept document's entry is the previous snapshot's, unchanged. */
export function keptEntries(
  entries: Record<string, DocumentEntry>,
  kept: readonly string[],
  previous: Manifest | undefined,
): Record<string, DocumentEntry> {
  const out = { ...entries };
  for (const name of kept) {
    const entry = previous?.documents[name];
    if (entry) out[name] = entry;
  }
  return out;
}

/** The previous manifest for the shrink guard, less the resources of the organisations that failed this time. */
export function guardBaseline(previous: Manifest | undefined, failed: readonly { name: string }[]) {
  if (!previous || failed.length === 0) return previous;
  const by = previous.resources.byOrganization ?? {};
  const lost = failed.reduce((n, f) => n + (by[f.name]?.total ?? 0), 0);
  return { ...previous, resources: { ...previous.resources, total: previous.resources.total - lost } };
}

/**
 * The counts of a partial run: each failed organisation keeps the counts of the snapshot its documents came
 * from (`keptFrom`), so a reader per organisation does not see it emptied; the run's own totals stay as discovered.
 */
export function withKeptCounts(
  resources: ResourceCounts,
  previous: Manifest | undefined,
  failed: readonly { name: string }[],
): ResourceCounts {
  const before = previous?.resources.byOrganization;
  if (!previous || !before || failed.length === 0) return resources;
  const byOrganization = { ...resources.byOrganization };
  for (const { name } of failed) {
    const kept = before[name];
    if (kept) byOrganization[name] = { ...kept, keptFrom: kept.keptFrom ?? previous.runId };
  }
  return { ...resources, byOrganization };
}

/** One line for the status and the exit: which organisations failed, and what became of their documents. */
export function describePartial(p: Pick<PartialOutcome, 'failed' | 'kept' | 'withheld'>): string {
  const orgs = p.failed.map((f) => `organization ${f.name} failed: ${f.error}`).join('; ');
  const kept = p.kept.length > 0 ? `; kept from the previous snapshot: ${p.kept.join(', ')}` : '';
  const withheld =
    p.withheld.length > 0 ? `; not published (no previous snapshot): ${p.withheld.join(', ')}` : '';
  return `${orgs}${kept}${withheld}`;
}

/** The failure a partial run ends with (exit 1): the first failed organisation's code, every fact in the message. */
export function partialError(p: Pick<PartialOutcome, 'failed' | 'kept' | 'withheld'>): AppError {
  return new AppError(p.failed[0]?.code ?? 'API_UNAVAILABLE', describePartial(p));
}

function nothingFreshError(p: PartialOutcome): AppError {
  return new AppError(
    p.failed[0]?.code ?? 'API_UNAVAILABLE',
    `${describePartial(p)}; every document includes a failed organization, nothing published`,
    { retryable: true },
  );
}
