/**
 * The `publish` config part (SD_MAX_SHRINK, SD_RUN_TIMEOUT), the `where` part (the run log's host, pod and job
 * names) and the `schedule` part (SD_SCHEDULE, or CACHE_DURATION as an interval).
 */
import cron from 'node-cron';
import { decimal, optionalText } from '../config/fields.js';
import { defineConfigPart, type Field, field } from '../config/part.js';

/** What a publish run's guards read. */
export interface PublishConfig {
  maxShrink: number;
}

/** The whole part: the run's guards and the job's wiring. */
export interface PublishPartConfig extends PublishConfig {
  /** Discovery is stopped after this long (SD_RUN_TIMEOUT), so a stalled API cannot hold a run past the next one. */
  runTimeoutMs: number;
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;
const MIN_RUN_TIMEOUT_MS = 10_000;
const MAX_RUN_TIMEOUT_MS = 24 * 3_600_000;

/** `25m`, `90s`, `2h` → milliseconds, from 10 s to 24 h. */
function runTimeout(): Field<number> {
  return field((text, name, problems) => {
    const t = (text ?? '').trim();
    const m = /^(\d+)(s|m|h)$/.exec(t);
    const ms = m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : Number.NaN;
    if (!(ms >= MIN_RUN_TIMEOUT_MS && ms <= MAX_RUN_TIMEOUT_MS))
      problems.push(`${name} must be a duration from 10s to 24h such as 25m, 90s or 2h, got "${t}"`);
    return ms;
  });
}

/** Milliseconds in the largest unit that divides them: `25m`, `90s`, `1500ms`. */
export function formatDuration(ms: number): string {
  for (const unit of ['h', 'm', 's'] as const) {
    if (ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

/** Run-log field → variable: where a run ran, recorded when set (the CronJob sets them, docs/deploy.md). */
export const WHERE_VARIABLES = {
  host: 'HOSTNAME',
  pod: 'POD_NAME',
  namespace: 'POD_NAMESPACE',
  job: 'JOB_NAME',
  cronJob: 'CRONJOB_NAME',
} as const;

/** Where the run ran, for the run log: the set ones of HOSTNAME, POD_NAME, POD_NAMESPACE, JOB_NAME, CRONJOB_NAME. */
export const wherePart = defineConfigPart(
  {
    HOSTNAME: optionalText(),
    POD_NAME: optionalText(),
    POD_NAMESPACE: optionalText(),
    JOB_NAME: optionalText(),
    CRONJOB_NAME: optionalText(),
  },
  {
    build: (v): Record<string, string> =>
      Object.fromEntries(
        Object.entries(WHERE_VARIABLES).flatMap(([field, name]) => {
          const value = v[name]?.trim();
          return value ? [[field, value]] : [];
        }),
      ),
  },
);

export interface ScheduleConfig {
  expression: string;
}

export const publishPart = defineConfigPart(
  { SD_MAX_SHRINK: decimal(0, 1), SD_RUN_TIMEOUT: runTimeout() },
  {
    // below the default schedule's 30 minutes, so a stalled run ends before the next one is due
    defaults: { SD_MAX_SHRINK: '0.5', SD_RUN_TIMEOUT: '25m' },
    build: (v): PublishPartConfig => ({ maxShrink: v.SD_MAX_SHRINK, runTimeoutMs: v.SD_RUN_TIMEOUT }),
  },
);

const DEFAULT_SCHEDULE = '*/30 * * * *';

/** `30m`, `2h`, `45s` → a cron expression; only intervals that divide the next unit evenly can be expressed. */
export function durationToCron(text: string): string | undefined {
  const m = /^(\d+)\s*([smh])$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2];
  if (unit === 's' && n > 0 && 60 % n === 0) return n === 60 ? '0 * * * * *' : `*/${n} * * * * *`;
  if (unit === 'm' && n > 0 && 60 % n === 0) return n === 60 ? '0 * * * *' : `*/${n} * * * *`;
  if (unit === 'm' && n > 0 && n % 60 === 0 && 24 % (n / 60) === 0) return `0 */${n / 60} * * *`;
  if (unit === 'h' && n > 0 && 24 % n === 0) return n === 24 ? '0 0 * * *' : `0 */${n} * * *`;
  return undefined;
}

/** SD_SCHEDULE when set, else CACHE_DURATION converted, else the default; undefined when CACHE_DURATION is bad. */
function scheduleExpression(explicit: string | undefined, duration: string | undefined): string | undefined {
  if (explicit) return explicit;
  if (duration) return durationToCron(duration);
  return DEFAULT_SCHEDULE;
}

export const schedulePart = defineConfigPart(
  { SD_SCHEDULE: optionalText(), CACHE_DURATION: optionalText() },
  {
    defaults: { SD_SCHEDULE: DEFAULT_SCHEDULE },
    // CACHE_DURATION stands in when SD_SCHEDULE is unset, so the default is applied after it
    ownDefaults: ['SD_SCHEDULE'],
    checks: [
      {
        reads: ['SD_SCHEDULE', 'CACHE_DURATION'],
        check: (v, problems) => {
          const expression = scheduleExpression(v.SD_SCHEDULE, v.CACHE_DURATION);
          if (expression === undefined) {
            problems.push(
              `CACHE_DURATION must be an interval such as 30m, 1h or 15s that divides an hour or a day evenly, got "${v.CACHE_DURATION}"`,
            );
          } else if (!cron.validate(expression)) {
            problems.push(`SD_SCHEDULE is not a valid cron expression: "${expression}"`);
          }
        },
      },
    ],
    build: (v): ScheduleConfig => ({
      expression: scheduleExpression(v.SD_SCHEDULE, v.CACHE_DURATION) ?? DEFAULT_SCHEDULE,
    }),
  },
);
