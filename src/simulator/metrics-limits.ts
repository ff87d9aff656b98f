/**
 * The Metrics API's documented limits per API revision (reference §4.2, the 2026 export excerpt) and the simulated
 * clock they run on: `timeScale` N makes one simulated minute last 60/N real seconds, the hour alike.
 */

export const METRICS_LIMITS_NAMES = ['none', '2025', '2026'] as const;
export type MetricsLimitsName = (typeof METRICS_LIMITS_NAMES)[number];

export interface MetricsLimitSet {
  /** Metrics API requests per simulated minute per client IP (the "global" limit). */
  requestsPerMinutePerIp: number;
  /** `/export` requests per simulated hour per resource id per principal (the endpoint limit). */
  exportsPerHourPerResource: number;
  /** Series per resource type per metric in one `/export` response; the rest is cut. */
  pointsPerMetric: number;
}

export const METRICS_LIMIT_SETS: Readonly<Record<Exclude<MetricsLimitsName, 'none'>, MetricsLimitSet>> = {
  // ~2025-04 revision [M25]: 60/min/IP, 80/hour/resource/principal, 30,000 points.
  '2025': { requestsPerMinutePerIp: 60, exportsPerHourPerResource: 80, pointsPerMetric: 30_000 },
  // 2026 revision [M26]: 300/min/IP, 160/hour/resource/principal, 60,000 points (changelog 2026-05-21).
  '2026': { requestsPerMinutePerIp: 300, exportsPerHourPerResource: 160, pointsPerMetric: 60_000 },
};

export function isMetricsLimitsName(value: unknown): value is MetricsLimitsName {
  return METRICS_LIMITS_NAMES.some((name) => name === value);
}

/** The limits in force, or undefined for `none`. */
export function limitSetOf(name: MetricsLimitsName): MetricsLimitSet | undefined {
  return name === 'none' ? undefined : METRICS_LIMIT_SETS[name];
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** A fixed window of the simulated clock: its index and when (real ms) it ends. */
export interface SimWindow {
  index: number;
  endsAt: number;
}

/** The simulated window of `lengthMs` (simulated) that holds the real instant `now`. */
export function windowAt(now: number, lengthMs: number, timeScale: number): SimWindow {
  const realLength = lengthMs / timeScale;
  const index = Math.floor(now / realLength);
  return { index, endsAt: (index + 1) * realLength };
}

/** Whole real seconds until `window` ends, at least 1: the `rateLimit-reset` value. */
export function secondsUntil(window: SimWindow, now: number): number {
  return Math.max(1, Math.ceil((window.endsAt - now) / 1000));
}
