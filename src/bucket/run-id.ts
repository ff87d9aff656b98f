import { RUN_ID_RE } from './keys.js';

/** `YYYYMMDDTHHMMSSZ` in UTC. */
export function formatRunId(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export function parseRunId(runId: string): Date | undefined {
  if (!RUN_ID_RE.test(runId)) return undefined;
  const iso = `${runId.slice(0, 4)}-${runId.slice(4, 6)}-${runId.slice(6, 8)}T${runId.slice(9, 11)}:${runId.slice(11, 13)}:${runId.slice(13, 15)}Z`;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) || formatRunId(d) !== runId ? undefined : d;
}

/**
 * How far a clock may run ahead of another before its run ids stop counting: a run takes the second after a
 * previous run id at most this far ahead of its own clock (so ids keep increasing through a small skew, and the
 * skew is not inherited past it), and prune does not count a snapshot dated further ahead as recent.
 */
export const MAX_CLOCK_SKEW_MS = 60 * 60 * 1000;

export interface RunIdChoice {
  runId: string;
  /** How far the previous run id is ahead of this run's clock, in ms (0 when it is not ahead). */
  aheadMs: number;
  /**
   * `clock`: the clock's second; `after-previous`: the second after the previous run id (a run in the same second,
   * or a clock behind it by at most MAX_CLOCK_SKEW_MS); `skew-ignored`: the previous run id is further ahead (a
   * clock that was wrong), so the clock's second is taken and ids are not increasing across that one snapshot.
   */
  basis: 'clock' | 'after-previous' | 'skew-ignored';
}

/** The run id for a run starting at `now`, after the previous run's. */
export function chooseRunId(now: Date, previousRunId: string | null | undefined): RunIdChoice {
  const previous = previousRunId ? parseRunId(previousRunId)?.getTime() : undefined;
  const second = now.getTime() - (now.getTime() % 1000);
  if (previous === undefined || previous < second)
    return { runId: formatRunId(now), aheadMs: 0, basis: 'clock' };
  const aheadMs = Math.max(0, previous - now.getTime());
  if (aheadMs > MAX_CLOCK_SKEW_MS) return { runId: formatRunId(now), aheadMs, basis: 'skew-ignored' };
  return { runId: formatRunId(new Date(previous + 1000)), aheadMs, basis: 'after-previous' };
}

export function nextRunId(now: Date, previousRunId: string | null | undefined): string {
  return chooseRunId(now, previousRunId).runId;
}

/** The second after `runId`: where a run goes when another run holds its id. */
export function runIdAfter(runId: string): string {
  const t = parseRunId(runId);
  if (!t) throw new Error(`not a run id: ${runId}`);
  return formatRunId(new Date(t.getTime() + 1000));
}

/**
 * The time a snapshot's age counts from, against `now`: its run id's time, or when earlier the time the store
 * wrote its manifest (a run id taken after a skewed previous one); `'future'` when even that is more than
 * MAX_CLOCK_SKEW_MS after `now`: a clock that was wrong wrote it, and its age is unknown.
 */
export function snapshotTime(
  runId: string,
  manifestWrittenAt: Date | undefined,
  now: Date,
): number | 'future' {
  // a write time of 0 is an answer without one (s3ObjectInfo's default), not 1970
  const written = manifestWrittenAt?.getTime();
  const times = [parseRunId(runId)?.getTime(), written && written > 0 ? written : undefined].filter(
    (t): t is number => t !== undefined && !Number.isNaN(t),
  );
  if (times.length === 0) return Number.POSITIVE_INFINITY;
  const t = Math.min(...times);
  return t > now.getTime() + MAX_CLOCK_SKEW_MS ? 'future' : t;
}
