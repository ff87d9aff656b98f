/**
 * The run log (issue 15): one small immutable object per publish attempt under `runs/<YYYY-MM-DD>/`, whatever
 * its outcome, so an auditor can read later what `status.json` (the last attempt only) forgets. Unchanged runs of
 * a day that has ended may be folded into one `unchanged` summary object of that day (the attempts it replaces
 * are then deleted); every other record stays as written.
 *
 * The schema and the reader live here; the publisher writes records and folds days (`publish/`).
 */
import { z } from 'zod';
import { isNotFound, type StoreReader } from '../store/store.js';

export const RUN_LOG_PREFIX = 'runs/';
export const RUN_LOG_SCHEMA_VERSION = 1;

export const RUN_OUTCOMES = ['published', 'unchanged', 'failed', 'refused', 'superseded', 'aborted'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

/** `YYYY-MM-DD` (UTC) of an ISO time. */
export function dayOf(iso: string): string {
  return iso.slice(0, 10);
}

/** `runs/<day>/<attemptId>.json`; the attempt id is unique across writers (start time and a random part). */
export function runRecordKey(startedAt: string, attemptId: string): string {
  return `${RUN_LOG_PREFIX}${dayOf(startedAt)}/${attemptId}.json`;
}

/** `runs/<day>/unchanged.json`: the unchanged runs of one ended day, folded. */
export function unchangedSummaryKey(day: string): string {
  return `${RUN_LOG_PREFIX}${day}/unchanged.json`;
}

export const ATTEMPT_ID_RE = /^\d{8}T\d{6}Z-[0-9a-f]{8}$/;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const KEY_RE = /^runs\/(\d{4}-\d{2}-\d{2})\/([^/]+)\.json$/;

const counts = z.record(z.string(), z.number().int().nonnegative());

export const runRecordSchema = z.object({
  kind: z.literal('run'),
  schemaVersion: z.literal(RUN_LOG_SCHEMA_VERSION),
  attemptId: z.string().regex(ATTEMPT_ID_RE),
  /** The run id the attempt used for its snapshot; null when it failed before it had one. */
  runId: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string(),
  /**
   * When this attempt's conditional write of `latest/manifest.json` switched it to `snapshot` (published runs only;
   * null otherwise): the moment the snapshot became current (docs/auditors.md, "Current at a time").
   */
  switchedAt: z.string().nullable().default(null),
  outcome: z.enum(RUN_OUTCOMES),
  /** Exit code of the command. */
  exitCode: z.number().int(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** Set when `--force` let through what a guard would have refused: the guard's message. */
  forced: z.object({ reason: z.string() }).nullable(),
  /** Resources discovered, by type; null when discovery did not finish. */
  resources: counts.nullable(),
  /** The snapshot this attempt produced (published) or kept (unchanged, failed, refused). */
  snapshot: z.string().nullable(),
  /** The snapshot `latest/` pointed at before this attempt. */
  previousSnapshot: z.string().nullable(),
  organizationIds: z.array(z.string()),
  /** API key ids (never secrets). */
  apiKeyIds: z.array(z.string()),
  version: z.string(),
  /** Where it ran, from the environment when present (host name, pod, namespace, Job, CronJob). */
  where: z.record(z.string(), z.string()),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

export const unchangedSummarySchema = z.object({
  kind: z.literal('unchanged-summary'),
  schemaVersion: z.literal(RUN_LOG_SCHEMA_VERSION),
  day: z.string().regex(DAY_RE),
  count: z.number().int().positive(),
  firstStartedAt: z.string(),
  lastFinishedAt: z.string(),
  /** The attempts folded in, oldest first: a fold cut short after the summary was created deletes exactly these. */
  attemptIds: z.array(z.string().regex(ATTEMPT_ID_RE)).default([]),
  /** Snapshots kept by those runs (normally one). */
  snapshots: z.array(z.string()),
  versions: z.array(z.string()),
  organizationIds: z.array(z.string()),
  apiKeyIds: z.array(z.string()),
  where: z.array(z.record(z.string(), z.string())),
});
export type UnchangedSummary = z.infer<typeof unchangedSummarySchema>;

export type RunLogEntry = RunRecord | UnchangedSummary;

export interface RunLogProblem {
  key: string;
  problem: string;
}

export interface RunLog {
  /** Oldest first (by start time; a summary sorts at its first run). */
  entries: RunLogEntry[];
  /** Objects under `runs/` that are not a run-log entry (unreadable, wrong shape, wrong place). */
  problems: RunLogProblem[];
}

/** The time an entry sorts by. */
export function entryTime(entry: RunLogEntry): string {
  return entry.kind === 'run' ? entry.startedAt : entry.firstStartedAt;
}

/** The entry in `text` stored at `key`, or why it is not one. */
export function parseRunLogObject(key: string, text: string): RunLogEntry | string {
  const m = KEY_RE.exec(key);
  if (!m) return 'not a run-log key';
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  const parsed = z.discriminatedUnion('kind', [runRecordSchema, unchangedSummarySchema]).safeParse(raw);
  if (!parsed.success) return `not a run-log entry (${parsed.error.issues[0]?.message ?? 'invalid'})`;
  const entry = parsed.data;
  const day = entry.kind === 'run' ? dayOf(entry.startedAt) : entry.day;
  if (day !== m[1]) return `filed under ${m[1]} but belongs to ${day}`;
  if (entry.kind === 'run' && m[2] !== entry.attemptId) return `key names ${m[2]}, record ${entry.attemptId}`;
  if (entry.kind === 'unchanged-summary' && m[2] !== 'unchanged') return 'a summary must be unchanged.json';
  return entry;
}

export interface RunLogRange {
  /** Inclusive, ISO time. */
  from?: string;
  /** Exclusive, ISO time. */
  to?: string;
}

/** Every run-log entry in the range (all when none), oldest first, and what was not readable. */
export async function readRunLog(store: StoreReader, range: RunLogRange = {}): Promise<RunLog> {
  const entries: RunLogEntry[] = [];
  const problems: RunLogProblem[] = [];
  const infos = (await store.list(RUN_LOG_PREFIX)).filter((info) => inDays(info.key, range));
  for (const info of infos) {
    let text: string;
    try {
      text = (await store.get(info.key)).body.toString('utf8');
    } catch (err) {
      if (isNotFound(err)) continue; // folded or pruned while we listed
      throw err;
    }
    const entry = parseRunLogObject(info.key, text);
    if (typeof entry === 'string') problems.push({ key: info.key, problem: entry });
    else if (inRange(entry, range)) entries.push(entry);
  }
  entries.sort((a, b) => entryTime(a).localeCompare(entryTime(b)));
  return { entries, problems };
}

function inDays(key: string, range: RunLogRange): boolean {
  const day = KEY_RE.exec(key)?.[1];
  if (day === undefined) return true; // reported as a problem
  return (
    (range.from === undefined || day >= dayOf(range.from)) &&
    (range.to === undefined || day <= dayOf(range.to))
  );
}

function inRange(entry: RunLogEntry, range: RunLogRange): boolean {
  const start = entryTime(entry);
  const end = entry.kind === 'run' ? entry.finishedAt : entry.lastFinishedAt;
  return (range.from === undefined || end >= range.from) && (range.to === undefined || start < range.to);
}
