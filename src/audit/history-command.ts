/** `history`: the snapshots in the store, newest first (results on stdout, logs on stderr). */
import type { Writable } from 'node:stream';
import { canonicalJson } from '../bucket/canonical.js';
import { defineCommand, parseCommandArgs, writeLine } from '../command.js';
import { AppError } from '../errors.js';
import type { StoreReader } from '../store/store.js';
import { AUDIT_PARTS, parseFormat, READS, withStore } from './command-kit.js';
import { historyToCsv } from './csv.js';
import { formatHistory, type HistoryFilter, listHistory } from './history.js';
import { formatRuns, listRuns } from './history-runs.js';
import { organizationArg } from './organization-scope.js';
import { parseTime } from './snapshots.js';

function parseHistoryArgs(argv: string[]): {
  format: 'text' | 'json' | 'csv';
  runs: boolean;
  filter: HistoryFilter;
} {
  const { values } = parseCommandArgs(argv, {
    json: { type: 'boolean', default: false },
    runs: { type: 'boolean', default: false },
    format: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    organization: { type: 'string' },
  });
  return {
    format: parseFormat(values.format, values.json),
    runs: values.runs,
    filter: {
      ...(values.since !== undefined ? { since: parseTime(values.since, '--since') } : {}),
      ...(values.until !== undefined ? { until: parseTime(values.until, '--until') } : {}),
      ...organizationArg(values.organization),
    },
  };
}

async function historyOfRuns(
  ctx: { stdout: Writable; stderr: Writable },
  store: StoreReader,
  json: boolean,
  filter: { since?: Date; until?: Date },
): Promise<number> {
  const runs = await listRuns(store, filter);
  ctx.stdout.write(json ? canonicalJson(runs) : `${formatRuns(runs)}\n`);
  for (const p of runs.problems) writeLine(ctx.stderr, `confluent-sd history: ${p.key}: ${p.problem}`);
  return runs.problems.length > 0 ? 1 : 0;
}

export const historyCommand = defineCommand({
  summary: 'list the snapshots in the store (--runs: every attempt), newest first',
  help: `usage: confluent-sd history [--json | --format text|json|csv] [--since TIME] [--until TIME] [--organization NAME]
       confluent-sd history --runs [--json] [--since TIME] [--until TIME]

One line per snapshot, newest first: run id, time written, resources per type, documents, the run it
replaced, and for the snapshot latest/ points to the last time a run found it unchanged (checkedAt).
A snapshot latest/ never pointed at (previousRunId followed back from latest/manifest.json) is marked
"orphan": its run wrote it and died before the switch, so it was never current. A current one says when:
"current FROM → UNTIL" (from its run's switch of latest/, or its createdAt when none is recorded, until the
next switch; "now" for the snapshot latest/ points to).

--runs: the attempts instead, from the run log (runs/ in the store), newest first: start time, outcome
(published, unchanged, failed, refused, superseded, aborted), exit code, error, a forced run's reason, resources,
the snapshot it produced or kept, where it ran and its attempt id. The unchanged runs of a day that has ended
are folded into one line per day.

flags:
  --json          machine-readable output (sorted keys; shape in the README, "For auditors")
  --runs          list the attempts of the run log, not the snapshots (text or json)
  --format F      text (default), json (= --json) or csv (one row per snapshot, a column per resource type)
  --since TIME    only snapshots written (runs: running) at or after TIME (ISO 8601, e.g. 2025-01-31T12:00:00Z;
                  no zone = UTC)
  --until TIME    only snapshots written (runs: started) at or before TIME
  --organization NAME  only that organisation's documents and resource counts (SD_CONFIG_FILE organizations:;
                  refused with --runs: an attempt runs every organisation)

${READS}

exit: 0 ok · 1 store unreachable, a manifest or run-log object unreadable · 2 bad flag, or a manifest of a newer
      schema`,
  parseArgs: parseHistoryArgs,
  config: AUDIT_PARTS,
  async run(ctx) {
    const { format, filter } = ctx.args;
    if (ctx.args.runs) {
      if (format === 'csv') throw new AppError('USAGE', '--runs lists attempts as text or json, not csv');
      // a run record names organisations by the ids of their CRNs, not by the names of organizations:, and one
      // attempt runs them all: there is no record of one organisation to select
      if (filter.organization !== undefined)
        throw new AppError(
          'USAGE',
          '--organization cannot select runs: one attempt discovers every organisation, and the run log records organisation ids, not the names of organizations: (use confluent-sd report --organization for the runs that concern one)',
        );
      return withStore(ctx, false, (store) => historyOfRuns(ctx, store, format === 'json', filter));
    }
    return withStore(ctx, false, async (store) => {
      const history = await listHistory(store, filter);
      ctx.stdout.write(
        format === 'json'
          ? canonicalJson(history)
          : format === 'csv'
            ? historyToCsv(history)
            : `${formatHistory(history)}\n`,
      );
      const unreadable = history.snapshots.filter((s) => s.errorCode !== null);
      for (const s of unreadable) writeLine(ctx.stderr, `confluent-sd history: ${s.errorCode}: ${s.error}`);
      if (unreadable.some((s) => s.errorCode !== 'SCHEMA_UNSUPPORTED')) return 1;
      return unreadable.length > 0 ? 2 : 0;
    });
  },
});
