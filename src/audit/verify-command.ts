/** `verify`: every snapshot document against the sha256 in its manifest. */
import { canonicalJson } from '../bucket/canonical.js';
import { RUN_ID_RE } from '../bucket/keys.js';
import { defineCommand, parseCommandArgs } from '../command.js';
import { AppError } from '../errors.js';
import { AUDIT_PARTS, READS, withStore } from './command-kit.js';
import { organizationArg, scopeVerifyReport } from './organization-scope.js';
import { formatVerify, verifyExitCode, verifyStore } from './verify.js';

function parseVerifyArgs(argv: string[]): {
  json: boolean;
  target: string | undefined;
  organization?: string;
} {
  const { values, positionals } = parseCommandArgs(
    argv,
    { json: { type: 'boolean', default: false }, organization: { type: 'string' } },
    true,
  );
  if (positionals.length > 1)
    throw new AppError('USAGE', `verify takes at most one run id, got ${positionals.length}`);
  const target = positionals[0];
  if (target !== undefined && target !== 'latest' && !RUN_ID_RE.test(target)) {
    throw new AppError('USAGE', `"${target}" is not a run id (YYYYMMDDTHHMMSSZ) or "latest"`);
  }
  return { json: values.json, target, ...organizationArg(values.organization) };
}

export const verifyCommand = defineCommand({
  summary: 'check every snapshot document against the sha256 in its manifest',
  help: `usage: confluent-sd verify [--json] [--organization NAME] [RUN_ID | latest]

Re-hashes every document a manifest lists and reports each object that is missing, whose sha256 or size
differs from the manifest, or that sits in a snapshot folder without being listed. No argument: every
snapshot and latest/ (whose manifest must match its snapshot's except checkedAt). "latest": latest/ and
its snapshot. RUN_ID: that snapshot.

flags:
  --json    machine-readable report (sorted keys)
  --organization NAME  only the problems of documents that include that organisation (by each
            snapshot's manifest) and of manifests

${READS}

exit: 0 every object matches · 1 an object is missing, altered or unlisted · 2 bad argument, unknown run id,
      missing manifest, manifest of a newer schema`,
  parseArgs: parseVerifyArgs,
  config: AUDIT_PARTS,
  async run(ctx) {
    const { json, target, organization } = ctx.args;
    return withStore(ctx, false, async (store, log) => {
      const report = await scopeVerifyReport(store, await verifyStore(store, target), organization);
      ctx.stdout.write(json ? canonicalJson(report) : `${formatVerify(report)}\n`);
      if (report.problems.length > 0) log.warn({ problems: report.problems.length }, 'verify found problems');
      return verifyExitCode(report);
    });
  },
});
