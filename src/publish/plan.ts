/**
 * The plan of a run, pure: which documents changed since the previous snapshot, which were removed, whether a
 * snapshot is written at all, and whether a guard refuses it (DESIGN §4: zero resources, or a drop above
 * SD_MAX_SHRINK, unless --force).
 */
import type { DocumentEntry, Manifest, ResourceCounts } from '../bucket/manifest.js';
import { AppError } from '../errors.js';
import type { Run } from './run.js';

export interface RunPlan {
  entries: Record<string, DocumentEntry>;
  /** Documents whose bytes differ from the previous snapshot's (all of them on a first run). */
  changed: string[];
  /** Documents of the previous snapshot that are no longer configured. */
  removed: string[];
  /** False when every document is byte-identical to the previous snapshot: only the pointer is refreshed. */
  writesSnapshot: boolean;
}

export function planRun(entries: Record<string, DocumentEntry>, previous: Manifest | undefined): RunPlan {
  const names = Object.keys(entries).sort();
  const changed = names.filter((n) => previous?.documents[n]?.sha256 !== entries[n]?.sha256);
  const removed = Object.keys(previous?.documents ?? {}).filter((n) => !(n in entries));
  return {
    entries,
    changed,
    removed,
    writesSnapshot: previous === undefined || changed.length > 0 || removed.length > 0,
  };
}

/** What a guard objects to: its code and the fact, without the advice of the error it becomes. */
export interface GuardRefusal {
  code: 'GUARD_EMPTY' | 'GUARD_SHRINK';
  fact: string;
}

/** The guard that refuses the run (DESIGN §4), or undefined when none does. */
export function findGuardRefusal(
  resources: ResourceCounts,
  previous: Manifest | undefined,
  maxShrink: number,
): GuardRefusal | undefined {
  if (resources.total === 0) return { code: 'GUARD_EMPTY', fact: 'discovery found zero resources' };
  const before = previous?.resources.total ?? 0;
  if (before > 0) {
    const drop = (before - resources.total) / before;
    if (drop > maxShrink) {
      return {
        code: 'GUARD_SHRINK',
        fact: `resources dropped from ${before} to ${resources.total} (${Math.round(drop * 100)}% > SD_MAX_SHRINK ${Math.round(maxShrink * 100)}%)`,
      };
    }
  }
  return undefined;
}

/** Throws GUARD_EMPTY or GUARD_SHRINK (exit 3) when the run would publish a suspicious inventory. */
export function checkGuards(
  resources: ResourceCounts,
  previous: Manifest | undefined,
  maxShrink: number,
): void {
  const refusal = findGuardRefusal(resources, previous, maxShrink);
  if (refusal)
    throw new AppError(refusal.code, `${refusal.fact}; refusing to publish (use --force to publish anyway)`);
}

/** A guard refuses the run, unless `--force`: then what it objected to is the run's forced reason. */
export function applyGuards(
  run: Pick<Run, 'force' | 'forced' | 'log' | 'deps'>,
  resources: ResourceCounts,
  previous: Manifest | undefined,
): void {
  if (!run.force) {
    checkGuards(resources, previous, run.deps.publish.maxShrink);
    return;
  }
  const refusal = findGuardRefusal(resources, previous, run.deps.publish.maxShrink);
  if (refusal) {
    run.forced.push(`${refusal.code}: ${refusal.fact}; published anyway (--force)`);
    run.log.warn({ code: refusal.code, reason: refusal.fact }, 'guard overridden by --force');
  }
}
