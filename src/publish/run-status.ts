/**
 * `status.json` for every attempt (DESIGN §4), failed and refused runs included: the outcome, and the times of
 * the last success and the last failure carried over from the status before it.
 */
import { canonicalJson } from '../bucket/canonical.js';
import { KEYS } from '../bucket/keys.js';
import { readStatus } from '../bucket/read.js';
import type { Outcome, Status } from '../bucket/status.js';
import { describeError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { describePartial, type PartialOutcome } from './partial.js';
import type { WriteCounter } from './writes.js';

export interface Attempt {
  runId: string;
  outcome: Outcome;
  error: string | null;
  snapshot: string | null;
}

export class StatusWriter {
  private constructor(
    private readonly out: WriteCounter,
    private readonly previous: Status | undefined,
    private readonly startedMs: number,
    private readonly now: () => Date,
  ) {}

  /** Reads the previous status once; an unreadable one means no history of successes and failures. */
  static async open(
    store: Store,
    out: WriteCounter,
    startedMs: number,
    now: () => Date,
  ): Promise<StatusWriter> {
    // status.json is advisory: unreadable means no history of successes and failures
    const previous = await readStatus(store).catch(() => undefined);
    return new StatusWriter(out, previous, startedMs, now);
  }

  async write(attempt: Attempt): Promise<void> {
    const time = this.now().toISOString();
    const ok = attempt.outcome === 'published' || attempt.outcome === 'unchanged';
    const status: Status = {
      ...attempt,
      time,
      durationMs: Date.now() - this.startedMs,
      lastSuccessAt: ok ? time : (this.previous?.lastSuccessAt ?? null),
      lastFailureAt: ok ? (this.previous?.lastFailureAt ?? null) : time,
    };
    await this.out.put(KEYS.status, canonicalJson(status));
  }
}

/**
 * After the pointer: the run's work is done, so a failed status.json is a warning, not a failed run (returns why,
 * or null). A run that kept some organisations' documents from the previous snapshot has failed, though it
 * published.
 */
export async function writeRunStatus(
  status: StatusWriter,
  run: { runId: string; log: Logger },
  result: {
    outcome: string;
    snapshot: string | null;
    partial?: Pick<PartialOutcome, 'failed' | 'kept' | 'withheld'>;
  },
): Promise<string | null> {
  const ok = result.outcome === 'published' ? 'published' : 'unchanged';
  const outcome = result.partial ? 'failed' : ok;
  const error = result.partial ? describePartial(result.partial) : null;
  try {
    await status.write({ runId: run.runId, outcome, error, snapshot: result.snapshot });
    return null;
  } catch (err) {
    run.log.warn({ err, snapshot: result.snapshot }, 'could not write status.json');
    return describeError(err);
  }
}
