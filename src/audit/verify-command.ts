/** `verify`: every snapshot document against the sha256 in its manifest, the chain, and the signatures. */
import { canonicalJson } from '../bucket/canonical.js';
import { RUN_ID_RE } from '../bucket/keys.js';
import { defineCommand, parseCommandArgs } from '../command.js';
import { readVerifyKey, verifyKeyPart } from '../config/signing-keys.js';
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

export const VERIFY_PARTS = { ...AUDIT_PARTS, verify: verifyKeyPart } as const;

export const verifyCommand = defineCommand({
  summary: 'check every snapshot against its manifest, the previousRunId chain and the signatures',
  help: `usage: confluent-sd verify [--json] [--organization NAME] [RUN_ID | latest]

Re-hashes every document a manifest lists and reports each object that is missing, whose sha256 or size
differs from the manifest, or that sits in a snapshot folder without being listed. No argument: every
snapshot, latest/ (whose manifest must match the snapshot it names except checkedAt) and the previousRunId
chain from latest/ back to the first run (a snapshot prune removed counts when prune recorded it under
pruned/). "latest": latest/ and its snapshot. RUN_ID: that snapshot. A store with nothing published (no
latest/manifest.json and no snapshot: an empty store, or SD_STORE naming the wrong prefix) is a failure.
With SD_VERIFY_KEY_FILE (an Ed25519 public key, PEM), every manifest must carry a valid signature
(manifest.json.sig) by the publisher's SD_SIGNING_KEY_FILE; without it, signatures are not checked and
the output says so.

flags:
  --json    machine-readable report (sorted keys; shape in docs/auditors.md)
  --organization NAME  only the problems of documents that include that organisation (by each
            snapshot's manifest) and of manifests

${READS}, SD_VERIFY_KEY_FILE

exit: 0 every check passed · 1 nothing published, latest/manifest.json missing, an object missing, altered
      or unlisted, a broken chain, a bad or missing signature · 2 bad argument, unknown run id, manifest
      of a newer schema`,
  parseArgs: parseVerifyArgs,
  config: VERIFY_PARTS,
  async run(ctx) {
    const { json, target, organization } = ctx.args;
    const file = ctx.config.verify.verifyKeyFile;
    const verifyKey = file === undefined ? undefined : readVerifyKey(file);
    return withStore(ctx, false, async (store, log) => {
      const report = await scopeVerifyReport(
        store,
        await verifyStore(store, target, verifyKey ? { verifyKey } : {}),
        organization,
      );
      ctx.stdout.write(json ? canonicalJson(report) : `${formatVerify(report)}\n`);
      if (report.problems.length > 0) log.warn({ problems: report.problems.length }, 'verify found problems');
      return verifyExitCode(report);
    });
  },
});
