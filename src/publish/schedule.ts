/**
 * `confluent-sd schedule`: one run at start, then one per SD_SCHEDULE tick (node-cron, no overlap). A failed run
 * is logged and the next tick still runs. On SIGTERM the scheduler stops; a run in progress either finishes or is
 * abandoned before it touches latest/ (publishRun checks the signal before each write phase).
 */
import cron from 'node-cron';
import { defineCommand, parseCommandArgs } from '../command.js';
import { EXIT, exitCodeFor } from '../errors.js';
import type { Logger } from '../log.js';
import { openStore } from '../store/open-store.js';
import { PUBLISH_PARTS } from './command.js';
import { schedulePart } from './config.js';
import { createPublishDeps } from './job.js';
import { publishRun } from './publish.js';

const HELP = `usage: confluent-sd schedule [--force]

Long-running: one publish run now, then one on every tick of SD_SCHEDULE (cron, default "*/30 * * * *";
CACHE_DURATION such as 30m is accepted as an interval). Runs never overlap: a tick that comes while a run is
still going is skipped and logged. A failed run is logged and the next tick still runs.
SIGTERM/SIGINT: stop scheduling; a run in progress finishes, or is abandoned before it touches latest/.

reads: everything \`publish\` reads, plus SD_SCHEDULE and CACHE_DURATION.
exit: 0 after a clean stop · 2 bad configuration · 1 the store is unreachable at start`;

const FLAGS = { force: { type: 'boolean', default: false } } as const;

export interface Scheduler {
  /** Resolves when the scheduler has stopped and no run is in progress. */
  stopped: Promise<void>;
  runs(): number;
}

export function startScheduler(
  expression: string,
  runOnce: (signal: AbortSignal) => Promise<unknown>,
  log: Logger,
  signal: AbortSignal,
): Scheduler {
  let runs = 0;
  let current: Promise<unknown> | undefined;
  const tick = async () => {
    if (signal.aborted) return;
    if (current) {
      log.warn('previous run still in progress, tick skipped');
      return;
    }
    runs += 1;
    current = runOnce(signal)
      .catch((err: unknown) => {
        log.error({ err, exitCode: exitCodeFor(err) }, 'scheduled publish failed');
      })
      .finally(() => {
        current = undefined;
      });
    await current;
  };
  cron.setLogger({
    info: (m: string) => log.debug({ source: 'node-cron' }, m),
    warn: (m: string) => log.warn({ source: 'node-cron' }, m),
    error: (m: string | Error) => log.error({ source: 'node-cron', err: m }, 'node-cron error'),
    debug: (m: string) => log.debug({ source: 'node-cron' }, m),
  });
  const task = cron.schedule(expression, tick, { name: 'publish', noOverlap: true });
  void tick();
  const stopped = new Promise<void>((resolve) => {
    const stop = async () => {
      await task.destroy();
      if (current) {
        log.info('waiting for the run in progress to finish or abandon');
        await current;
      }
      resolve();
    };
    if (signal.aborted) void stop();
    else signal.addEventListener('abort', () => void stop(), { once: true });
  });
  return { stopped, runs: () => runs };
}

export const scheduleCommand = defineCommand({
  summary: 'long-running: publish now, then on SD_SCHEDULE',
  help: HELP,
  parseArgs: (argv: string[]) => ({ force: parseCommandArgs(argv, FLAGS).values.force }),
  config: { ...PUBLISH_PARTS, schedule: schedulePart },
  async run(ctx) {
    const { config, log } = ctx;
    // a store unreachable at start fails the command (cli.ts reports it); a failed run later is the scheduler's
    const store = await openStore(config.store, log, true);
    try {
      log.info({ schedule: config.schedule.expression, store: store.location }, 'scheduler started');
      const runOnce = async (signal: AbortSignal) => {
        const result = await publishRun(createPublishDeps(config, store, log, signal), {
          force: ctx.args.force,
        });
        log.info(
          {
            outcome: result.outcome,
            snapshot: result.snapshot,
            attemptId: result.attemptId,
            resources: result.resources.total,
            durationMs: result.durationMs,
          },
          'publish finished',
        );
        if (result.partial)
          log.error(
            { failed: result.partial.failed, kept: result.partial.kept, withheld: result.partial.withheld },
            'publish partial: organizations failed, their documents kept the previous snapshot',
          );
      };
      const scheduler = startScheduler(config.schedule.expression, runOnce, log, ctx.signal);
      await scheduler.stopped;
      log.info({ runs: scheduler.runs() }, 'scheduler stopped');
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
});
