/**
 * "Current at T", defined once (docs/auditors.md, "Current at a time"): the snapshot `latest/` pointed at, at T.
 * A snapshot is current from the moment its run switched `latest/manifest.json` to it (the published run-log
 * record's `switchedAt`; its manifest's `createdAt` for a snapshot without one, written before the run log
 * existed) until the next switch, which is the moment the snapshot that replaced it became current.
 */
import type { Manifest } from '../bucket/manifest.js';
import { parseRunId } from '../bucket/run-id.js';
import { dayOf, parseRunLogObject, RUN_LOG_PREFIX } from '../bucket/run-log.js';
import { isNotFound, type StoreReader } from '../store/store.js';

/** When a snapshot became current, and where that time comes from. */
export interface CurrentSince {
  time: string;
  source: 'switch' | 'createdAt';
}

/** The period a snapshot of the current chain was current; `until` null while it still is. */
export interface CurrentPeriod {
  runId: string;
  from: CurrentSince;
  until: string | null;
  /** The snapshot that replaced it, when one did. */
  replacedBy: string | null;
}

/**
 * The switch times the run log records for `manifests`, by snapshot: only published records of the run that
 * wrote the snapshot count, read on the days such a record can be filed under (the days of the run id and of
 * `createdAt`; summaries of unchanged runs are skipped).
 */
export async function readSwitchTimes(
  store: StoreReader,
  manifests: readonly Manifest[],
): Promise<Map<string, string>> {
  const wanted = new Set(manifests.map((m) => m.runId));
  const days = new Set(manifests.flatMap((m) => daysOf(m)));
  const infos = (await store.list(RUN_LOG_PREFIX)).filter(
    (i) =>
      days.has(i.key.slice(RUN_LOG_PREFIX.length, RUN_LOG_PREFIX.length + 10)) &&
      !i.key.endsWith('/unchanged.json'),
  );
  const times = new Map<string, string>();
  for (const info of infos) {
    let text: string;
    try {
      text = (await store.get(info.key)).body.toString('utf8');
    } catch (err) {
      if (isNotFound(err)) continue;
      throw err;
    }
    const r = parseRunLogObject(info.key, text);
    if (typeof r === 'string' || r.kind !== 'run' || r.outcome !== 'published' || !r.switchedAt) continue;
    if (r.snapshot === null || r.snapshot !== r.runId || !wanted.has(r.snapshot)) continue;
    if (Number.isNaN(Date.parse(r.switchedAt))) continue;
    const known = times.get(r.snapshot);
    if (known === undefined || r.switchedAt < known) times.set(r.snapshot, r.switchedAt);
  }
  return times;
}

function daysOf(m: Manifest): string[] {
  const started = parseRunId(m.runId);
  const created = Number.isNaN(Date.parse(m.createdAt)) ? undefined : new Date(m.createdAt);
  return [started, created].flatMap((d) => (d ? [dayOf(d.toISOString())] : []));
}

/** When `m` became current: its recorded switch, else its `createdAt` (written just before the switch). */
export function currentSince(m: Manifest, switches: ReadonlyMap<string, string>): CurrentSince {
  const switched = switches.get(m.runId);
  return switched === undefined
    ? { time: m.createdAt, source: 'createdAt' }
    : { time: switched, source: 'switch' };
}

/** The time `since` stands for, in ms (a bad `createdAt` falls back to the run id's time). */
export function sinceMs(m: Manifest, switches: ReadonlyMap<string, string>): number {
  const t = Date.parse(currentSince(m, switches).time);
  return Number.isNaN(t) ? (parseRunId(m.runId)?.getTime() ?? 0) : t;
}

/**
 * The current periods of the chain's snapshots, `chained` newest first (latest/, the one it replaced, …): each
 * one until the next one became current.
 */
export function currentPeriods(
  chained: readonly Manifest[],
  switches: ReadonlyMap<string, string>,
): CurrentPeriod[] {
  return chained.map((m, i) => {
    const newer = i > 0 ? chained[i - 1] : undefined;
    return {
      runId: m.runId,
      from: currentSince(m, switches),
      until: newer ? currentSince(newer, switches).time : null,
      replacedBy: newer?.runId ?? null,
    };
  });
}
