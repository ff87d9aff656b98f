/** What the client did so far, for logs and the manifest. */
export interface ApiStats {
  /** Attempts sent (every retry counts). */
  requests: number;
  /** Attempts repeated after a transient failure. */
  retries: number;
  /** Answers with HTTP 429. */
  throttled: number;
  /** Attempts that failed, for whatever reason. */
  failures: number;
  /** Summed time of all attempts, rounded to whole milliseconds. */
  durationMs: number;
}
