/** The `publish` config part (SD_MAX_SHRINK) and the `schedule` part (SD_SCHEDULE, or CACHE_DURATION as an interval). */
import cron from 'node-cron';
import { decimal, optionalText } from '../config/fields.js';
import { defineConfigPart } from '../config/part.js';

export interface PublishConfig {
  maxShrink: number;
}

export interface ScheduleConfig {
  expression: string;
}

export const publishPart = defineConfigPart(
  { SD_MAX_SHRINK: decimal(0, 1) },
  {
    defaults: { SD_MAX_SHRINK: '0.5' },
    build: (v): PublishConfig => ({ maxShrink: v.SD_MAX_SHRINK }),
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
