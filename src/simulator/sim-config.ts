/** The simulator's behaviour knobs that can change while it runs (`PUT /_sim/config`), and their checks. */

export const FAULT_KINDS = ['500', '503', 'timeout', 'broken-body', 'expired-token'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface RuntimeConfig {
  /** Share (0–1) of authenticated API requests answered with a transient fault. */
  faultRate: number;
  /** The faults to pick from; `expired-token` only hits requests that carry a `page_token`. */
  faultKinds: FaultKind[];
  /** Added to every request. */
  latencyMs: number;
  /** Requests per second (fixed one-second windows); 0 = no limit. */
  rateLimit: number;
  pageTokenTtlMs: number;
  /** How long a `timeout` fault holds a request before destroying its socket. */
  faultTimeoutMs: number;
}

export const DEFAULT_RUNTIME_CONFIG: Readonly<RuntimeConfig> = Object.freeze({
  faultRate: 0,
  faultKinds: [...FAULT_KINDS],
  latencyMs: 0,
  rateLimit: 0,
  pageTokenTtlMs: 5 * 60_000,
  faultTimeoutMs: 30_000,
});

function isNumberIn(value: unknown, min: number, max: number, integer: boolean): value is number {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= min &&
    value <= max &&
    (!integer || Number.isInteger(value))
  );
}

const DAY_MS = 86_400_000;
const NUMBER_FIELDS: Record<string, { min: number; max: number; integer: boolean; hint: string }> = {
  faultRate: { min: 0, max: 1, integer: false, hint: 'a number from 0 to 1' },
  latencyMs: { min: 0, max: 600_000, integer: true, hint: 'an integer from 0 to 600000' },
  rateLimit: { min: 0, max: 1_000_000, integer: true, hint: 'an integer ≥ 0 (0 = off)' },
  pageTokenTtlMs: { min: 1, max: DAY_MS, integer: true, hint: 'an integer from 1 to 86400000' },
  faultTimeoutMs: { min: 1, max: DAY_MS, integer: true, hint: 'an integer from 1 to 86400000' },
};

/** Every problem of a partial config (unknown keys too), or none. */
export function checkRuntimeConfig(partial: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(partial)) {
    if (value === undefined) continue;
    const rule = NUMBER_FIELDS[key];
    if (rule) {
      if (!isNumberIn(value, rule.min, rule.max, rule.integer)) problems.push(`${key} must be ${rule.hint}`);
    } else if (key === 'faultKinds') {
      const ok =
        Array.isArray(value) &&
        value.length > 0 &&
        value.every((k) => (FAULT_KINDS as readonly unknown[]).includes(k));
      if (!ok) problems.push(`faultKinds must be a non-empty list of ${FAULT_KINDS.join(', ')}`);
    } else {
      problems.push(`unknown setting ${key}`);
    }
  }
  return problems;
}
