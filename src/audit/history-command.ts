/** `history`: the snapshots in the store, newest first (results on stdout, logs on stderr). */
import { canonicalJson } from '../bucket/canonical.js';
import { defineCommand, parseCommandArgs, writeLine } from '../command.js';
import { AUDIT_PARTS, READS, withStore } from './command-kit.js';
import { formatHistory, type HistoryFilter, listHistory } from './history.js';
import { organizationArg } from './organization-scope.js';
import { parseTime } from './snapshots.js';

function parseHistoryArgs(argv: string[]): { json: boolean; filter: HistoryFilter } {
  const { values } = parseCommandArgs(argv, {
    json: { type: 'boolean', default: false },
    since: { type: 'string' },
    until: { type: 'string' },
    organization: { type: 'string' },
  });
  return {
    json: values.json,
    filter: {
      ...(values.since !== undefined ? { since: parseTime(values.since, '--since') } : {}),
      ...(values.until !== undefined ? { until: parseTime(values.until, '--until') } : {}),
      ...organizationArg(values.organization),
    },
  };
}

export const historyCommand = defineCommand({
  summary: 'list the snapshots in the store, newest first',
  help: `usage: confluent-sd history [--json] [--since TIME] [--until TIME] [--organization NAME]

One line per snapshot, newest first: run id, time written, resources per type, documents, the run it
replaced, and for the snapshot latest/ points to the last time a run found it unchanged (checkedAt).
A snapshot latest/ never pointed at (previousRunId followed back from latest/manifest.json) is marked
"orphan": its run wrote it and died before the switch, so it was never current.

flags:
  --json          machine-readable output (sorted keys; shape in the README, "For auditors")
  --since TIME    only snapshots written at or after TIME (ISO 8601, e.g. 2025-01-31T12:00:00Z; no zone = UTC)
  --until TIME    only snapshots written at or before TIME
  --organization NAME  only that organisation's documents and resource counts (SD_CONFIG_FILE organizations:)

${READS}

exit: 0 ok · 1 store unreachable or a manifest unreadable · 2 bad flag, or a manifest of a newer schema`,
  parseArgs: parseHistoryArgs,
  config: AUDIT_PARTS,
  async run(ctx) {
    const { json, filter } = ctx.args;
    return withStore(ctx, false, async (store) => {
      const history = await listHistory(store, filter);
      ctx.stdout.write(json ? canonicalJson(history) : `${formatHistory(history)}\n`);
      const unreadable = history.snapshots.filter((s) => s.errorCode !== null);
      for (const s of unreadable) writeLine(ctx.stderr, `confluent-sd history: ${s.errorCode}: ${s.error}`);
      if (unreadable.some((s) => s.errorCode !== 'SCHEMA_UNSUPPORTED')) return 1;
      return unreadable.length > 0 ? 2 : 0;
    });
  },
});
