/** `diff --at T`: the snapshot current at T, when it became current and until when (current-times.ts). */
import type { Manifest } from '../bucket/manifest.js';
import { AppError } from '../errors.js';
import type { StoreReader } from '../store/store.js';
import { type CurrentPeriod, currentPeriods, currentSince } from './current-times.js';
import { chainedManifests, readAllSnapshots, selectCurrentAt } from './snapshots.js';

export interface CurrentAt extends CurrentPeriod {
  at: string;
  createdAt: string;
  /** `latest/` still points at it. False with `until` null: older than a cut in the chain, its end is unknown. */
  stillCurrent: boolean;
}

/** The snapshot current at `time` and its period; SNAPSHOT_NOT_FOUND when none was. */
export async function findCurrentAt(store: StoreReader, time: Date): Promise<CurrentAt> {
  const s = await readAllSnapshots(store);
  const current = selectCurrentAt(s, time);
  if (!current) {
    throw new AppError(
      'SNAPSHOT_NOT_FOUND',
      `no snapshot in ${store.location} was current at ${time.toISOString()}`,
    );
  }
  const chained = chainedManifests(s);
  const period =
    currentPeriods(chained, s.switches).find((p) => p.runId === current.runId) ??
    offChain(current, s.switches);
  const stillCurrent = chained[0]?.runId === current.runId;
  return { at: time.toISOString(), createdAt: current.createdAt, stillCurrent, ...period };
}

/** A snapshot older than a cut in the chain: when it became current is known, until when is not. */
function offChain(m: Manifest, switches: ReadonlyMap<string, string>): CurrentPeriod {
  return { runId: m.runId, from: currentSince(m, switches), until: null, replacedBy: null };
}

/** `<runId>  current from <time> (<source>) until <time> (replaced by <runId>)`, or `until now` for latest/. */
export function formatCurrentAt(c: CurrentAt): string {
  const source = c.from.source === 'switch' ? 'latest/ switched to it' : 'its createdAt: no switch recorded';
  const until = c.stillCurrent
    ? 'until now'
    : c.replacedBy === null
      ? 'until unknown (the chain of snapshots is cut after it: pruned or unreadable)'
      : `until ${c.until} (replaced by ${c.replacedBy})`;
  return `${c.runId}  current from ${c.from.time} (${source}) ${until}`;
}
