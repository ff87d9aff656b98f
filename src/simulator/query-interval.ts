/**
 * The time arguments of the Metrics API's `/query` (metrics-v2 spec, `QueryRequest`): `granularity` from its enum,
 * and ISO-8601 `intervals` (`start/end`, `start/duration`, `duration/end`) where an instant may be `now` with an
 * offset (`-2m`) and a truncation (`|m`), e.g. `PT1M/now-2m|m`. Pure: `now` is passed in.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Bucket length per granularity (0 for ALL) and the longest interval the spec allows with it. */
export const GRANULARITIES: Readonly<Record<string, { bucketMs: number; maxIntervalMs: number }>> = {
  PT1M: { bucketMs: MINUTE, maxIntervalMs: 6 * HOUR },
  PT5M: { bucketMs: 5 * MINUTE, maxIntervalMs: DAY },
  PT15M: { bucketMs: 15 * MINUTE, maxIntervalMs: 4 * DAY },
  PT30M: { bucketMs: 30 * MINUTE, maxIntervalMs: 7 * DAY },
  PT1H: { bucketMs: HOUR, maxIntervalMs: Number.POSITIVE_INFINITY },
  PT4H: { bucketMs: 4 * HOUR, maxIntervalMs: Number.POSITIVE_INFINITY },
  PT6H: { bucketMs: 6 * HOUR, maxIntervalMs: Number.POSITIVE_INFINITY },
  PT12H: { bucketMs: 12 * HOUR, maxIntervalMs: Number.POSITIVE_INFINITY },
  P1D: { bucketMs: DAY, maxIntervalMs: Number.POSITIVE_INFINITY },
  ALL: { bucketMs: 0, maxIntervalMs: Number.POSITIVE_INFINITY },
};

export interface Interval {
  start: number;
  end: number;
}

const UNIT_MS: Record<string, number> = { m: MINUTE, h: HOUR, d: DAY };
const NOW_RE = /^now(?:([+-])(\d+)([mhd]))?(?:\|([mhd]))?$/;
const DURATION_RE = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

function parseInstant(text: string, now: number): number | undefined {
  const relative = NOW_RE.exec(text);
  if (relative) {
    const [, sign, amount, unit, truncate] = relative;
    let t = now;
    if (sign && amount && unit) t += (sign === '-' ? -1 : 1) * Number(amount) * (UNIT_MS[unit] ?? 0);
    // hour and day truncation are against UTC, like the epoch itself
    if (truncate) t -= t % (UNIT_MS[truncate] ?? 1);
    return t;
  }
  if (!INSTANT_RE.test(text)) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

function parseDuration(text: string): number | undefined {
  const m = DURATION_RE.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return undefined;
  const [d, h, min, s] = m.slice(1).map((x) => Number(x ?? 0));
  const ms = (d ?? 0) * DAY + (h ?? 0) * HOUR + (min ?? 0) * MINUTE + (s ?? 0) * 1000;
  return ms > 0 ? ms : undefined;
}

/** The interval of `text`, or undefined when it is not one. */
export function parseInterval(text: string, now: number): Interval | undefined {
  const parts = text.split('/');
  if (parts.length !== 2) return undefined;
  const [a = '', b = ''] = parts;
  const startAt = parseInstant(a, now);
  const endAt = parseInstant(b, now);
  let interval: Interval | undefined;
  if (startAt !== undefined && endAt !== undefined) interval = { start: startAt, end: endAt };
  else if (startAt !== undefined) {
    const length = parseDuration(b);
    if (length !== undefined) interval = { start: startAt, end: startAt + length };
  } else if (endAt !== undefined) {
    const length = parseDuration(a);
    if (length !== undefined) interval = { start: endAt - length, end: endAt };
  }
  return interval && interval.end > interval.start ? interval : undefined;
}

/** The start of every bucket of `interval`, newest first (the order `/query` lists points in a group). */
export function bucketStarts(interval: Interval, bucketMs: number): number[] {
  if (bucketMs === 0) return [interval.start];
  const starts: number[] = [];
  for (let t = interval.start - (interval.start % bucketMs); t < interval.end; t += bucketMs) starts.push(t);
  return starts.reverse();
}
