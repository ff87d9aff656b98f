/** The simulator's behaviour knobs that can change while it runs (`PUT /_sim/config`), and their checks. */
import { isMetricsLimitsName, METRICS_LIMITS_NAMES, type MetricsLimitsName } from './metrics-limits.js';

export const FAULT_KINDS = ['500', '503', 'timeout', 'broken-body', 'expired-token'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * Which resource descriptors the Metrics API lists: `current` (2025+: the five `cloud` types, and
 * `custom_connector` in `cloud-custom`) or `2022` (the 2022 spec's four: no `compute_pool`, no `cloud-custom`).
 */
export const DESCRIPTOR_REVISIONS = ['current', '2022'] as const;
export type DescriptorRevision = (typeof DESCRIPTOR_REVISIONS)[number];

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
  /** The Metrics API limits enforced (metrics-limits.ts); `none` keeps the unlimited, small export. */
  metricsLimits: MetricsLimitsName;
  /** One simulated minute lasts 60/timeScale real seconds; the limits' windows run on it. */
  timeScale: number;
  /** The resource descriptors the Metrics API lists. */
  resourceDescriptors: DescriptorRevision;
  /** The Schema Registry list answers 403 everywhere, as in Confluent Cloud for Government (listing-refusals.ts). */
  schemaRegistryUnavailable: boolean;
  /** Environments whose listings answer 403, as for a key limited to other environments. */
  forbiddenEnvironments: string[];
  /** Environments and Kafka clusters deleted right after a listing page showed them. */
  deleteAfterListing: string[];
}

export const DEFAULT_RUNTIME_CONFIG: Readonly<RuntimeConfig> = Object.freeze({
  faultRate: 0,
  faultKinds: [...FAULT_KINDS],
  latencyMs: 0,
  rateLimit: 0,
  pageTokenTtlMs: 5 * 60_000,
  faultTimeoutMs: 30_000,
  metricsLimits: 'none',
  timeScale: 1,
  resourceDescriptors: 'current',
  schemaRegistryUnavailable: false,
  forbiddenEnvironments: [],
  deleteAfterListing: [],
});

export function isFaultKind(value: unknown): value is FaultKind {
  return FAULT_KINDS.some((kind) => kind === value);
}

interface NumberRule {
  min: number;
  max: number;
  integer: boolean;
  hint: string;
}

type NumberSetting = {
  [K in keyof RuntimeConfig]: RuntimeConfig[K] extends number ? K : never;
}[keyof RuntimeConfig];
type IdListSetting = 'forbiddenEnvironments' | 'deleteAfterListing';

function isIdListSetting(key: string): key is IdListSetting {
  return key === 'forbiddenEnvironments' || key === 'deleteAfterListing';
}

function isIdList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string' && v.trim() !== '');
}

const DAY_MS = 86_400_000;
/** At 3600 a simulated hour lasts one real second. */
export const MAX_TIME_SCALE = 3600;
const NUMBER_SETTINGS: Record<NumberSetting, NumberRule> = {
  faultRate: { min: 0, max: 1, integer: false, hint: 'a number from 0 to 1' },
  latencyMs: { min: 0, max: 600_000, integer: true, hint: 'an integer from 0 to 600000' },
  rateLimit: { min: 0, max: 1_000_000, integer: true, hint: 'an integer ≥ 0 (0 = off)' },
  pageTokenTtlMs: { min: 1, max: DAY_MS, integer: true, hint: 'an integer from 1 to 86400000' },
  faultTimeoutMs: { min: 1, max: DAY_MS, integer: true, hint: 'an integer from 1 to 86400000' },
  timeScale: { min: 1, max: MAX_TIME_SCALE, integer: false, hint: `a number from 1 to ${MAX_TIME_SCALE}` },
};

function isNumberSetting(key: string): key is NumberSetting {
  return Object.hasOwn(NUMBER_SETTINGS, key);
}

function isNumberIn(value: unknown, rule: NumberRule): value is number {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= rule.min &&
    value <= rule.max &&
    (!rule.integer || Number.isInteger(value))
  );
}

/** The settings of a partial config, and every problem in it (unknown keys too); undefined values are skipped. */
export function readRuntimeConfig(partial: Record<string, unknown>): {
  values: Partial<RuntimeConfig>;
  problems: string[];
} {
  const values: Partial<RuntimeConfig> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(partial)) {
    if (value === undefined) continue;
    if (isNumberSetting(key)) {
      const rule = NUMBER_SETTINGS[key];
      if (isNumberIn(value, rule)) values[key] = value;
      else problems.push(`${key} must be ${rule.hint}`);
    } else if (key === 'metricsLimits') {
      // 2025 and 2026 read as numbers too: `{"metricsLimits": 2026}` is what one types
      const name = typeof value === 'number' ? String(value) : value;
      if (isMetricsLimitsName(name)) values.metricsLimits = name;
      else problems.push(`metricsLimits must be one of ${METRICS_LIMITS_NAMES.join(', ')}`);
    } else if (key === 'resourceDescriptors') {
      const name = typeof value === 'number' ? String(value) : value;
      if (DESCRIPTOR_REVISIONS.some((r) => r === name))
        values.resourceDescriptors = name as DescriptorRevision;
      else problems.push(`resourceDescriptors must be one of ${DESCRIPTOR_REVISIONS.join(', ')}`);
    } else if (key === 'schemaRegistryUnavailable') {
      if (typeof value === 'boolean') values.schemaRegistryUnavailable = value;
      else problems.push('schemaRegistryUnavailable must be true or false');
    } else if (isIdListSetting(key)) {
      if (isIdList(value)) values[key] = [...value];
      else problems.push(`${key} must be a list of ids`);
    } else if (key === 'faultKinds') {
      if (Array.isArray(value) && value.length > 0 && value.every(isFaultKind)) values.faultKinds = value;
      else problems.push(`faultKinds must be a non-empty list of ${FAULT_KINDS.join(', ')}`);
    } else {
      problems.push(`unknown setting ${key}`);
    }
  }
  return { values, problems };
}

/** The live runtime config. A change applies whole or not at all. */
export class RuntimeSettings {
  private current: RuntimeConfig = { ...DEFAULT_RUNTIME_CONFIG };

  /** The values in force, read on every request. */
  get value(): Readonly<RuntimeConfig> {
    return this.current;
  }

  snapshot(): RuntimeConfig {
    return structuredClone(this.current);
  }

  /** Applies `partial` when it has no problem; returns its problems. */
  update(partial: Record<string, unknown>): string[] {
    const { values, problems } = readRuntimeConfig(partial);
    if (problems.length === 0) this.current = { ...this.current, ...values };
    return problems;
  }
}
