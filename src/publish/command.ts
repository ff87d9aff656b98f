import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type CommandContext, defineCommand, parseCommandArgs, writeLine } from '../command.js';
import type { ConfigOf } from '../config/load.js';
import { signingKeyPart } from '../config/signing-keys.js';
import { confluentPart } from '../confluent/config.js';
import { discoveryPart } from '../discovery/config.js';
import { AppError, EXIT } from '../errors.js';
import { logPart } from '../log.js';
import { renderPart } from '../render/config.js';
import { storePart } from '../store/config.js';
import { openStore } from '../store/open-store.js';
import { publishPart, wherePart } from './config.js';
import { renderDocuments } from './documents.js';
import { createJobDiscover, createPublishDeps } from './job.js';
import { partialError } from './partial.js';
import { type PublishResult, publishRun } from './publish.js';
import { formatInventorySummary } from './summary.js';

const HELP = `usage: confluent-sd publish [--force] [--dry-run [--out DIR]]

One run: discover every resource of the organisation, render one http_sd document per combination of
SD_TARGETS x SD_PREFIXES, and publish them to SD_STORE (snapshot, latest/ copies, manifest last, status.json).
SD_CONFIG_FILE may list several organisations (organizations:) and documents by selection (documents:);
see docs/output.md.

flags:
  --force        publish even when a guard refuses (zero resources, or a drop above SD_MAX_SHRINK),
                 and treat a corrupted latest/manifest.json as "no previous snapshot"
  --dry-run      discover and render only; print a summary, write nothing to the store
  --out DIR      with --dry-run: also write the documents as DIR/<name>.json

reads: CONFLUENT_API_KEY, CONFLUENT_API_SECRET, CONFLUENT_API_URL, CONFLUENT_TELEMETRY_URL, SD_API_TIMEOUT_MS,
  SD_API_CONCURRENCY, SD_API_RETRIES, SD_RESOURCE_TYPES, SD_STORE, S3_ENDPOINT, AWS_REGION (+ AWS credential chain), SD_TARGETS,
  SD_PREFIXES, SD_PARAM_STYLE, SD_GROUP_BY, SD_BATCH_SIZE, SD_MAX_SHRINK, SD_RUN_TIMEOUT, SD_SIGNING_KEY_FILE, SD_CONFIG_FILE,
  LOG_LEVEL, LOG_FORMAT; for the run log (runs/ in the store) HOSTNAME, POD_NAME, POD_NAMESPACE, JOB_NAME, CRONJOB_NAME when set

outcomes (the first line of stdout): "published", "unchanged" (documents as in the current snapshot; the
pointer's checkedAt refreshed and any latest/ copy that differs from it repaired), or "superseded" (another
run switched latest/ while this one ran: latest/ is left as that run made it), or "partial" (some of the
organisations failed: the documents that include one kept the previous snapshot's bytes, the others were
published; exit 1). A run whose only failed write is status.json or its run-log record says so in a warning
line and still exits 0. Every attempt, failed and refused ones included, leaves a record under runs/<day>/ in
the store (\`history --runs\`).

exit: 0 published, unchanged or superseded · 1 failed (latest/ as before, unless the message says this run
  wrote latest/manifest.json) · 2 bad configuration · 3 refused by a guard`;

/** A dry run discovers and renders only: it needs no store, and a bad SD_STORE does not stop it. */
// A dry run opens no store, but validates the same variables as a run, so what it accepts a run accepts too.
export const PUBLISH_PARTS = {
  log: logPart,
  confluent: confluentPart,
  discovery: discoveryPart,
  render: renderPart,
  publish: publishPart,
  store: storePart,
  where: wherePart,
  signing: signingKeyPart,
} as const;

export interface PublishArgs {
  force: boolean;
  dryRun: boolean;
  out: string | undefined;
}

export function parsePublishArgs(argv: string[]): PublishArgs {
  const { values } = parseCommandArgs(argv, {
    force: { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
    out: { type: 'string' },
  });
  if (values.out !== undefined && !values['dry-run'])
    throw new AppError('USAGE', '--out goes with --dry-run');
  return { force: values.force, dryRun: values['dry-run'], out: values.out };
}

async function dryRun(
  ctx: CommandContext<PublishArgs, ConfigOf<typeof PUBLISH_PARTS>>,
  out: string | undefined,
): Promise<number> {
  const { config, log } = ctx;
  const discovered = await createJobDiscover(config.confluent, log, config.discovery)(ctx.signal);
  const docs = renderDocuments(discovered.inventory, config.render);
  writeLine(ctx.stdout, formatInventorySummary(discovered.inventory, docs, discovered.api));
  if (out) {
    const dir = path.resolve(ctx.cwd, out);
    await mkdir(dir, { recursive: true });
    for (const d of docs) await writeFile(path.join(dir, `${d.name}.json`), d.body);
    writeLine(ctx.stdout, `wrote ${docs.length} documents to ${dir}`);
  }
  // a run would keep the documents of a failed organisation from the previous snapshot: these are not those
  const failed = discovered.failed ?? [];
  if (failed.length > 0)
    throw new AppError(
      failed[0]!.code,
      `${failed.map((f) => `organization ${f.name} failed: ${f.error}`).join('; ')}; the documents above lack its resources`,
    );
  return EXIT.ok;
}

/** The first line of a run's output; `superseded` says whose snapshot is current and what became of this one. */
export function formatOutcome(result: PublishResult): string {
  const figures = `${result.resources.total} resources, ${result.documents.length} documents, ${result.objectsWritten} objects written`;
  if (result.partial && result.outcome !== 'superseded')
    return `partial: snapshot ${result.snapshot}, ${figures}; failed: ${result.partial.failed.map((f) => f.name).join(', ')}`;
  if (result.outcome !== 'superseded') return `${result.outcome}: snapshot ${result.snapshot}, ${figures}`;
  const own = result.written ? `; this run's snapshot ${result.written} is complete but not current` : '';
  return `superseded: another run published snapshot ${result.snapshot} while this one ran, latest/ left as it made it${own}; ${figures}`;
}

async function publishOnce(
  ctx: CommandContext<PublishArgs, ConfigOf<typeof PUBLISH_PARTS>>,
): Promise<number> {
  const { config, log } = ctx;
  const store = await openStore(config.store, log, true);
  try {
    const result = await publishRun(createPublishDeps(config, store, log, ctx.signal), {
      force: ctx.args.force,
    });
    log.info(
      {
        outcome: result.outcome,
        snapshot: result.snapshot,
        attemptId: result.attemptId,
        resources: result.resources.total,
        documents: result.documents.length,
        objectsWritten: result.objectsWritten,
        warnings: result.warnings,
        durationMs: result.durationMs,
      },
      'publish finished',
    );
    writeLine(ctx.stdout, formatOutcome(result));
    if (result.statusError) writeLine(ctx.stdout, `warning: status.json not written: ${result.statusError}`);
    if (result.runLogError)
      writeLine(ctx.stdout, `warning: run log record not written: ${result.runLogError}`);
    printWarnings(ctx, result);
    // some organisations failed: their documents kept the previous snapshot, and the run has failed (exit 1)
    if (result.partial) throw partialError(result.partial);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

function printWarnings(
  ctx: CommandContext<PublishArgs, ConfigOf<typeof PUBLISH_PARTS>>,
  result: PublishResult,
): void {
  for (const d of result.documents) {
    if (d.plan && d.plan.degraded !== 'none')
      writeLine(
        ctx.stdout,
        `warning: ${d.name}: scrape plan degraded (${d.plan.degraded}): ${d.plan.reason}`,
      );
    for (const problem of d.unmatched ?? [])
      writeLine(ctx.stdout, `warning: ${d.name}: selection: ${problem}`);
    if (d.plan && d.plan.overCap.length > 0)
      writeLine(
        ctx.stdout,
        `warning: ${d.name}: over the points cap even alone: ${d.plan.overCap.join(', ')}`,
      );
  }
}

export const publishCommand = defineCommand({
  summary: 'one run: discover, render, publish to the store',
  help: HELP,
  parseArgs: parsePublishArgs,
  config: PUBLISH_PARTS,
  async run(ctx) {
    return ctx.args.dryRun ? dryRun(ctx, ctx.args.out) : publishOnce(ctx);
  },
});
