/** What `verify` found, its exit code and its text for people. */

export type ProblemKind =
  | 'missing'
  | 'mismatch'
  | 'unlisted'
  | 'manifest'
  | 'unsupported'
  | 'empty'
  | 'chain'
  | 'signature';

export interface VerifyProblem {
  key: string;
  kind: ProblemKind;
  message: string;
}

/** The `previousRunId` chain walked from `latest/` back (absent when `latest/manifest.json` cannot be read). */
export interface VerifyChain {
  /** The snapshots walked, newest first: present ones and pruned ones (with a record). */
  runIds: string[];
  /** Of those, the ones `prune` removed (recorded under `pruned/`). */
  pruned: string[];
  /** True when the walk reached the first run (`previousRunId` null) with no missing link. */
  complete: boolean;
}

export interface VerifyReport {
  /** The store looked in (`file:/abs/dir` or `s3://bucket/prefix`). */
  store: string;
  /** What was checked: `snapshots/<runId>` or `latest`, with the number of documents hashed. */
  checked: { scope: string; documents: number }[];
  problems: VerifyProblem[];
  /** Snapshot folders without a manifest (not snapshots; `prune` removes them), newest first. */
  incomplete: string[];
  chain: VerifyChain | null;
  /** Complete snapshots off the chain (orphans: `latest/` never pointed at them), newest first. */
  offChain: string[];
  /** `checked`: every manifest's signature was checked against SD_VERIFY_KEY_FILE; `unchecked`: no key given. */
  signatures: 'checked' | 'unchecked';
}

/** 0 all good · 1 something is missing, altered, unexpected, or nothing was published · 2 only newer schemas. */
export function verifyExitCode(report: VerifyReport): number {
  if (report.problems.some((p) => p.kind !== 'unsupported')) return 1;
  return report.problems.length > 0 ? 2 : 0;
}

export function formatVerify(report: VerifyReport): string {
  const lines = [`store ${report.store}`];
  lines.push(...report.checked.map((c) => `checked ${c.scope} (${c.documents} documents)`));
  if (report.chain) {
    const c = report.chain;
    const pruned = c.pruned.length > 0 ? `, ${c.pruned.length} of them pruned (recorded)` : '';
    lines.push(
      `chain: ${c.runIds.length} snapshots from latest/ back${pruned}${c.complete ? ', back to the first run' : ', BROKEN'}`,
    );
  }
  for (const p of report.problems) lines.push(`${p.kind.toUpperCase()} ${p.key}: ${p.message}`);
  for (const id of report.incomplete)
    lines.push(`note: snapshots/${id}/ has no manifest (incomplete or half-pruned; not a snapshot)`);
  for (const id of report.offChain)
    lines.push(`note: snapshots/${id} is off the chain (an orphan: latest/ never pointed at it)`);
  lines.push(
    report.signatures === 'checked'
      ? 'signatures: every manifest checked against SD_VERIFY_KEY_FILE'
      : 'note: signatures not checked (SD_VERIFY_KEY_FILE not set): hashes alone do not catch a document rewritten with its manifest',
  );
  lines.push(
    report.problems.length === 0
      ? 'ok: every object matches its manifest'
      : `${report.problems.length} problems`,
  );
  return lines.join('\n');
}
