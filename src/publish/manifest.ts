/**
 * The manifest: what one snapshot holds. `latest/manifest.json` is the pointer (a copy of the current snapshot's
 * manifest with a fresh `checkedAt`); `snapshots/<runId>/manifest.json` is immutable.
 */
import { z } from 'zod';
import { AppError } from '../errors.js';

export const MANIFEST_SCHEMA_VERSION = 1;
export const RUN_ID_RE = /^\d{8}T\d{6}Z$/;

export const documentEntrySchema = z.object({
  targets: z.array(z.string()).min(1),
  prefix: z.string(),
  paramStyle: z.enum(['underscore', 'dotted']),
  groupBy: z.enum(['resource', 'environment']),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  groups: z.number().int().nonnegative(),
});

export const apiStatsSchema = z.object({
  requests: z.number().int().nonnegative(),
  retries: z.number().int().nonnegative(),
  throttled: z.number().int().nonnegative(),
  failures: z.number().int().nonnegative(),
  durationMs: z.number().nonnegative(),
});

export const manifestSchema = z.object({
  schemaVersion: z.number().int().positive(),
  toolVersion: z.string(),
  runId: z.string().regex(RUN_ID_RE),
  createdAt: z.string(),
  checkedAt: z.string(),
  previousRunId: z.string().regex(RUN_ID_RE).nullable(),
  documents: z.record(z.string(), documentEntrySchema),
  resources: z.object({
    total: z.number().int().nonnegative(),
    byType: z.record(z.string(), z.number().int().nonnegative()),
    byEnvironment: z.record(z.string(), z.number().int().nonnegative()),
  }),
  api: apiStatsSchema.extend({ discoveryMs: z.number().nonnegative() }),
});

export type DocumentEntry = z.infer<typeof documentEntrySchema>;
export type ApiStats = z.infer<typeof apiStatsSchema>;
export type Manifest = z.infer<typeof manifestSchema>;

export const statusSchema = z.object({
  runId: z.string(),
  time: z.string(),
  outcome: z.enum(['published', 'unchanged', 'failed', 'refused']),
  error: z.string().nullable(),
  snapshot: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  lastFailureAt: z.string().nullable(),
  durationMs: z.number().nonnegative(),
});
export type Status = z.infer<typeof statusSchema>;

export const KEYS = {
  latestManifest: 'latest/manifest.json',
  latestDocument: (name: string) => `latest/${name}.json`,
  snapshotManifest: (runId: string) => `snapshots/${runId}/manifest.json`,
  snapshotDocument: (runId: string, name: string) => `snapshots/${runId}/${name}.json`,
  status: 'status.json',
} as const;

/** Parses a manifest read from the store; a newer schema version is `SCHEMA_UNSUPPORTED`, any other problem `MANIFEST_INVALID`. */
export function parseManifest(text: string, where: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new AppError('MANIFEST_INVALID', `read ${where}: not JSON`, { cause });
  }
  const version = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version > MANIFEST_SCHEMA_VERSION) {
    throw new AppError(
      'SCHEMA_UNSUPPORTED',
      `read ${where}: schema version ${version} is newer than this tool understands (${MANIFEST_SCHEMA_VERSION}); upgrade confluent-sd`,
    );
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError(
      'MANIFEST_INVALID',
      `read ${where}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'wrong shape'}`,
    );
  }
  return parsed.data;
}

/** Canonical JSON with sorted keys, so manifests are byte-stable. */
export function stableStringify(value: unknown, indent = 2): string {
  return `${JSON.stringify(sortKeys(value), null, indent)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}
