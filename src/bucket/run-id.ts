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
 * The run id for a run starting at `now`: strictly after the previous run's, so snapshots stay ordered and
 * immutable even when two runs start within the same second.
 */
export function nextRunId(now: Date, previousRunId: string | null | undefined): string {
  const previous = previousRunId ? parseRunId(previousRunId) : undefined;
  const t =
    previous && previous.getTime() >= now.getTime() - (now.getTime() % 1000)
      ? previous.getTime() + 1000
      : now.getTime();
  return formatRunId(new Date(t));
}
