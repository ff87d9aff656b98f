/**
 * The scrape plan's variables (part of the `render` config part): how the user's Prometheus servers scrape the
 * Metrics API and which of its documented limits apply (docs/output.md, "The scrape plan").
 */
import { decimal, oneOf, wholeNumber } from '../config/fields.js';
import { type Field, field } from '../config/part.js';
import { budgetsFrom, METRICS_LIMITS, type MetricsLimitsName, type PlanSettings } from './plan-settings.js';

const LIMITS_NAMES = Object.keys(METRICS_LIMITS) as MetricsLimitsName[];

/** A Prometheus duration of whole seconds from 10s to 24h: `1m`, `90s`, `2m`, `1h`. */
export function parseInterval(text: string, name: string, problems: string[]): number {
  const m = /^(\d{1,5})(s|m|h)$/.exec(text.trim());
  const seconds = m ? Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'] : Number.NaN;
  if (!(seconds >= 10 && seconds <= 86_400)) {
    problems.push(`${name} must be a duration such as 30s, 1m or 2m (10s to 24h), got "${text.trim()}"`);
  }
  return seconds;
}

function interval(): Field<number> {
  return field((text, name, problems) => parseInterval(text ?? '', name, problems));
}

/** A whole number, or undefined when unset (an explicit override of a documented limit). */
function optionalWhole(min: number, max: number): Field<number | undefined> {
  return field((text, name, problems) => {
    const t = text?.trim();
    if (!t) return undefined;
    if (!/^\d+$/.test(t) || Number(t) < min || Number(t) > max)
      problems.push(`${name} must be a whole number from ${min} to ${max}, got "${t}"`);
    return Number(t);
  });
}

export const PLAN_FIELDS = {
  SD_SCRAPE_INTERVAL: interval(),
  SD_SCRAPERS: wholeNumber(1, 100),
  SD_METRICS_LIMITS: oneOf(LIMITS_NAMES),
  SD_SCRAPE_MARGIN: decimal(0, 0.9),
  SD_SCRAPE_BUDGET: optionalWhole(1, 1_000_000),
  SD_POINTS_LIMIT: optionalWhole(1, 100_000_000),
  SD_MAX_URL_LENGTH: wholeNumber(256, 65_536),
  SD_PLAN_OVERFLOW: oneOf(['interval', 'shard'] as const),
} as const;

export const PLAN_DEFAULTS = {
  SD_SCRAPE_INTERVAL: '1m',
  SD_SCRAPERS: '2',
  SD_METRICS_LIMITS: '2026',
  SD_SCRAPE_MARGIN: '0.2',
  SD_MAX_URL_LENGTH: '2048',
  SD_PLAN_OVERFLOW: 'interval',
} as const;

export interface PlanValues {
  SD_SCRAPE_INTERVAL: number;
  SD_SCRAPERS: number;
  SD_METRICS_LIMITS: MetricsLimitsName;
  SD_SCRAPE_MARGIN: number;
  SD_SCRAPE_BUDGET: number | undefined;
  SD_POINTS_LIMIT: number | undefined;
  SD_MAX_URL_LENGTH: number;
  SD_PLAN_OVERFLOW: 'interval' | 'shard';
}

/** The budgets: the documented limits less the margin; an explicit budget or points limit is taken as it is. */
export function planSettingsOf(v: PlanValues): PlanSettings {
  const budgets = budgetsFrom(METRICS_LIMITS[v.SD_METRICS_LIMITS], v.SD_SCRAPE_MARGIN);
  return {
    ...budgets,
    ...(v.SD_SCRAPE_BUDGET !== undefined ? { requestsPerMinute: v.SD_SCRAPE_BUDGET } : {}),
    ...(v.SD_POINTS_LIMIT !== undefined ? { pointsPerMetric: v.SD_POINTS_LIMIT } : {}),
    maxUrlBytes: v.SD_MAX_URL_LENGTH,
    intervalSeconds: v.SD_SCRAPE_INTERVAL,
    scrapers: v.SD_SCRAPERS,
    overflow: v.SD_PLAN_OVERFLOW,
  };
}
