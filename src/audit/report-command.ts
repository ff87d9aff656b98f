/** `report`: a self-contained HTML (or Markdown) report of a time range, for people who do not run the CLI. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { defineCommand, parseCommandArgs, writeLine } from '../command.js';
import { readVerifyKey } from '../config/signing-keys.js';
import { AppError } from '../errors.js';
import { READS, withStore } from './command-kit.js';
import { organizationArg } from './organization-scope.js';
import { buildReportData, type ReportRange } from './report-data.js';
import { renderHtml } from './report-html.js';
import { renderMarkdown } from './report-markdown.js';
import { parseTime } from './snapshots.js';
import { VERIFY_PARTS } from './verify-command.js';

interface ReportArgs {
  from: Date | undefined;
  to: Date | undefined;
  out: string | undefined;
  format: 'html' | 'markdown';
  organization?: string;
}

function parseReportArgs(argv: string[]): ReportArgs {
  const { values } = parseCommandArgs(argv, {
    from: { type: 'string' },
    to: { type: 'string' },
    out: { type: 'string' },
    format: { type: 'string', default: 'html' },
    organization: { type: 'string' },
  });
  const format = values.format;
  if (format !== 'html' && format !== 'markdown')
    throw new AppError('USAGE', `--format must be html or markdown, got "${format}"`);
  const from = values.from === undefined ? undefined : parseTime(values.from, '--from');
  const to = values.to === undefined ? undefined : parseTime(values.to, '--to');
  if (from && to && from.getTime() >= to.getTime())
    throw new AppError('USAGE', `--from ${from.toISOString()} is not before --to ${to.toISOString()}`);
  if (values.out === '') throw new AppError('USAGE', '--out needs a file name');
  return { from, to, out: values.out, format, ...organizationArg(values.organization) };
}

export const reportCommand = defineCommand({
  summary:
    'write an HTML (or Markdown) report of a time range: resources over time, changes, failed runs, verify',
  help: `usage: confluent-sd report [--from TIME] [--to TIME] [--out FILE] [--format html|markdown]
                          [--organization NAME]

Writes one self-contained file (HTML: inline CSS and an inline SVG chart, no script, nothing fetched from
the network) for people who do not run the CLI: resources over time per type (one point per snapshot that
was current at some time in the range, from its switch of latest/ to the next one), every change between
those snapshots by resource (added, removed, relabelled), every failed, refused, aborted, forced and partial run of the run log (runs/) with its reason, and the result of
verify over the whole store. Everything read from the store is escaped (labels are untrusted input).

flags:
  --from TIME     snapshots and runs from TIME (ISO 8601 or a run id; no zone = UTC); default: the first
  --to TIME       up to TIME (exclusive); default: now
  --out FILE      write the report there; default: stdout
  --format F      html (default) or markdown (for tickets)
  --organization NAME  that organisation only (SD_CONFIG_FILE organizations:): its documents and resource
                  counts, its resources in the changes, verify's problems in its documents, and the runs but
                  those whose error names only other organisations

${READS}, SD_VERIFY_KEY_FILE

exit: 0 written (whatever verify found: the report says it) · 1 the store failed or FILE cannot be written
      · 2 bad flag, or a manifest of a newer schema`,
  parseArgs: parseReportArgs,
  config: VERIFY_PARTS,
  async run(ctx) {
    const { from, to, out, format, organization } = ctx.args;
    const file = ctx.config.verify.verifyKeyFile;
    const verifyKey = file === undefined ? undefined : readVerifyKey(file);
    return withStore(ctx, false, async (store, log) => {
      const now = new Date();
      const range: ReportRange = { ...(from ? { from } : {}), to: to ?? now };
      const data = await buildReportData(store, range, {
        now,
        ...(verifyKey ? { verifyKey } : {}),
        ...(organization === undefined ? {} : { organization }),
      });
      const text = format === 'html' ? renderHtml(data) : renderMarkdown(data);
      const summary = {
        snapshots: data.snapshots.length,
        changes: data.changes.length,
        runs: data.runs.length,
        verifyProblems: data.verify.problems.length,
      };
      if (out === undefined) ctx.stdout.write(text);
      else {
        const target = path.resolve(ctx.cwd, out);
        await writeFile(target, text).catch((cause: unknown) => {
          throw new AppError('STORE_WRITE', `write the report to ${target}: ${(cause as Error).message}`, {
            cause,
          });
        });
        writeLine(
          ctx.stdout,
          `report written to ${target}: ${summary.snapshots} snapshots, ${summary.changes} changes, ${summary.runs} failed, refused or forced runs, verify ${summary.verifyProblems === 0 ? 'ok' : `${summary.verifyProblems} problems`}`,
        );
      }
      log.info(summary, 'report written');
      return 0;
    });
  },
});
