/**
 * Compaction of the run log (docs/auditors.md, "The run log"): the plain unchanged runs of a day that has ended
 * are folded into that day's `unchanged.json`, created once, and the records it lists are then deleted. Done by
 * the publisher after its own record, one day per run at most, so the work a run adds is bounded (a few listings
 * and one day's records) and a bucket nobody prunes stays small. Records with an error or a `forced` reason, and
 * every other outcome, are never folded.
 */
import { canonicalJson } from '../bucket/canonical.js';
import {
  dayOf,
  parseRunLogObject,
  RUN_LOG_PREFIX,
  RUN_LOG_SCHEMA_VERSION,
  type RunRecord,
  type UnchangedSummary,
  unchangedSummaryKey,
} from '../bucket/run-log.js';
import { isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import { isNotFound, type Store } from '../store/store.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Days before today a run looks back for one to fold (a fold cut short is finished by a later run). */
export const FOLD_LOOKBACK_DAYS = 3;
/** A day is folded only this long after it ended, so a run that started just before midnight has written its record. */
export const FOLD_GRACE_MS = 60 * 60 * 1000;

/** A plain unchanged run: what a summary may stand for. */
export function isFoldable(r: RunRecord): boolean {
  return r.outcome === 'unchanged' && r.error === null && r.forced === null;
}

/** The days a run at `now` may fold, oldest first. */
export function foldableDays(now: Date, lookback = FOLD_LOOKBACK_DAYS): string[] {
  const days: string[] = [];
  for (let back = lookback; back >= 1; back--) {
    const start = Date.parse(`${dayOf(now.toISOString())}T00:00:00Z`) - back * DAY_MS;
    if (now.getTime() >= start + DAY_MS + FOLD_GRACE_MS) days.push(dayOf(new Date(start).toISOString()));
  }
  return days;
}

/** Folds the oldest ended day that has foldable records left; returns it, or undefined when none had any. */
export async function foldEndedDay(store: Store, now: Date, log: Logger): Promise<string | undefined> {
  for (const day of foldableDays(now)) {
    const folded = await foldDay(store, day);
    if (folded > 0) {
      log.info({ day, folded }, 'unchanged runs of an ended day folded');
      return day;
    }
  }
  return undefined;
}

/**
 * Folds one day; returns how many records it deleted. A day already folded costs one listing and the summary's
 * read: only the records the summary lists are deleted, without reading the others.
 */
export async function foldDay(store: Store, day: string): Promise<number> {
  const prefix = `${RUN_LOG_PREFIX}${day}/`;
  const summaryKey = unchangedSummaryKey(day);
  const keys = (await store.list(prefix)).map((i) => i.key).filter((k) => k !== summaryKey);
  if (keys.length === 0) return 0;
  let summary = await readSummary(store, summaryKey);
  if (!summary) {
    const records: RunRecord[] = [];
    for (const key of keys) {
      const entry = await readEntry(store, key);
      if (entry?.kind === 'run' && isFoldable(entry)) records.push(entry);
    }
    if (records.length === 0) return 0;
    summary = await createSummary(store, day, records);
  }
  // a record not in the summary came after it (a run that straddled midnight): it stays as written
  const present = new Set(keys);
  const folded = summary.attemptIds.map((id) => `${prefix}${id}.json`).filter((k) => present.has(k));
  for (const key of folded) await store.delete(key);
  return folded.length;
}

async function readSummary(store: Store, key: string): Promise<UnchangedSummary | undefined> {
  const entry = await readEntry(store, key);
  return entry?.kind === 'unchanged-summary' ? entry : undefined;
}

async function readEntry(store: Store, key: string) {
  try {
    const entry = parseRunLogObject(key, (await store.get(key)).body.toString('utf8'));
    return typeof entry === 'string' ? undefined : entry;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Creates the day's summary; when another run created it first, that one is the summary. */
async function createSummary(store: Store, day: string, records: RunRecord[]): Promise<UnchangedSummary> {
  const summary = summarizeUnchanged(day, records);
  try {
    await store.create(unchangedSummaryKey(day), canonicalJson(summary), 'application/json');
    return summary;
  } catch (err) {
    if (!isAppError(err, 'STORE_CONFLICT')) throw err;
    const existing = await readSummary(store, unchangedSummaryKey(day));
    if (!existing) throw err;
    return existing;
  }
}

/** The summary of a day's plain unchanged runs (pure). */
export function summarizeUnchanged(day: string, records: readonly RunRecord[]): UnchangedSummary {
  const sorted = [...records].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const unique = (values: string[]) => [...new Set(values)].sort();
  const wheres = new Map(sorted.map((r) => [canonicalJson(r.where), r.where]));
  return {
    kind: 'unchanged-summary',
    schemaVersion: RUN_LOG_SCHEMA_VERSION,
    day,
    count: sorted.length,
    firstStartedAt: sorted[0]?.startedAt ?? `${day}T00:00:00.000Z`,
    lastFinishedAt:
      sorted
        .map((r) => r.finishedAt)
        .sort()
        .at(-1) ?? `${day}T00:00:00.000Z`,
    attemptIds: sorted.map((r) => r.attemptId),
    snapshots: unique(sorted.flatMap((r) => (r.snapshot ? [r.snapshot] : []))),
    versions: unique(sorted.map((r) => r.version)),
    organizationIds: unique(sorted.flatMap((r) => r.organizationIds)),
    apiKeyIds: unique(sorted.flatMap((r) => r.apiKeyIds)),
    where: [...wheres.values()],
  };
}
