import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Command, type CommandContext, parseCommandArgs, writeLine } from '../command.js';
import { loadConfig } from '../config.js';
import { AppError, describeError, EXIT, exitCodeFor } from '../errors.js';
import { createLogger, type Logger } from '../log.js';
import { openStore } from '../store/open-store.js';
import { renderDocuments } from './documents.js';
import { createDiscover, createPublishDeps } from './job.js';
import { publishRun } from './publish.js';
import { formatInventorySummary } from './summary.js';

const HELP = `usage: confluent-sd publish [--force] [--dry-run [--out DIR]]

One run: discover every resource of the organisation, render one http_sd document per combination of
SD_TARGETS x SD_PREFIXES, and publish them to SD_STORE (snapshot, latest/ copies, manifest last, status.json).

flags:
  --force        publish even when a guard refuses (zero resources, or a drop above SD_MAX_SHRINK),
                 and treat a corrupted latest/manifest.json as "no previous snapshot"
  --dry-run      discover and render only; print a summary, write nothing to the store
  --out DIR      with --dry-run: also write the documents as DIR/<name>.json

reads: CONFLUENT_API_KEY, CONFLUENT_API_SECRET, CONFLUENT_API_URL, CONFLUENT_TELEMETRY_URL, SD_API_TIMEOUT_MS,
  SD_API_CONCURRENCY, SD_API_RETRIES, SD_STORE, S3_ENDPOINT, AWS_REGION (+ AWS credential chain), SD_TARGETS,
  SD_PREFIXES, SD_PARAM_STYLE, SD_GROUP_BY, SD_BATCH_SIZE, SD_MAX_SHRINK, SD_CONFIG_FILE, LOG_LEVEL, LOG_FORMAT

exit: 0 published or unchanged · 1 failed, nothing published · 2 bad configuration · 3 refused by a guard`;

async function dryRun(ctx: CommandContext, out: string | undefined, log: Logger): Promise<number> {
  const config = loadConfig(ctx.env, ['confluent', 'render'], ctx.cwd);
  const discovered = await createDiscover(config.confluent, log)(ctx.signal);
  const docs = renderDocuments(discovered.inventory, config.render);
  writeLine(ctx.stdout, formatInventorySummary(discovered.inventory, docs, discovered.api));
  if (out) {
    const dir = path.resolve(ctx.cwd, out);
    await mkdir(dir, { recursive: true });
    for (const d of docs) await writeFile(path.join(dir, `${d.name}.json`), d.body);
    writeLine(ctx.stdout, `wrote ${docs.length} documents to ${dir}`);
  }
  return EXIT.ok;
}

export const publishCommand: Command = {
  summary: 'one run: discover, render, publish to the store',
  help: HELP,
  async run(ctx) {
    const { values } = parseCommandArgs(ctx.argv, {
      force: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      out: { type: 'string' },
    });
    if (values.out !== undefined && !values['dry-run'])
      throw new AppError('USAGE', '--out goes with --dry-run');
    if (values['dry-run']) {
      const { log: logConfig } = loadConfig(ctx.env, ['log'], ctx.cwd);
      const log = ctx.log ?? createLogger(logConfig);
      return await reportFailure(ctx, log, () => dryRun(ctx, values.out, log));
    }
    const config = loadConfig(ctx.env, ['log', 'confluent', 'render', 'publish', 'store'], ctx.cwd);
    const log = ctx.log ?? createLogger(config.log);
    return await reportFailure(ctx, log, async () => {
      const store = await openStore(config.store, log, true);
      try {
        const result = await publishRun(createPublishDeps(config, store, log, ctx.signal), {
          force: values.force,
        });
        log.info(
          {
            outcome: result.outcome,
            snapshot: result.snapshot,
            resources: result.resources.total,
            documents: result.documents.length,
            objectsWritten: result.objectsWritten,
            warnings: result.warnings,
            durationMs: result.durationMs,
          },
          'publish finished',
        );
        writeLine(
          ctx.stdout,
          `${result.outcome}: snapshot ${result.snapshot}, ${result.resources.total} resources, ${result.documents.length} documents, ${result.objectsWritten} objects written`,
        );
        return EXIT.ok;
      } finally {
        await store.close();
      }
    });
  },
};

/** Logs a failure once, prints it on stderr, and maps it to the exit code. */
async function reportFailure(ctx: CommandContext, log: Logger, fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (err) {
    const code = exitCodeFor(err);
    log.error({ err, exitCode: code }, code === EXIT.guard ? 'publish refused by a guard' : 'publish failed');
    writeLine(ctx.stderr, `confluent-sd publish: ${describeError(err)}`);
    return code;
  }
}
