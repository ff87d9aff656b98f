/**
 * Publishes a fake-but-valid snapshot through the real Store interface: documents under snapshots/<runId>/ and
 * latest/, the manifest (correct sha256, bytes, groups) written last, then status.json. The documents are
 * deterministic functions of (runId, combination, groups), so two runs have different bytes.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../src/bucket/canonical.js';
import { documentName } from '../../src/bucket/document-name.js';
import { KEYS } from '../../src/bucket/keys.js';
import type { Manifest } from '../../src/bucket/manifest.js';
import type { Status } from '../../src/bucket/status.js';
import type { Combination } from '../../src/render/combination.js';
import type { Store } from '../../src/store/store.js';

const JSON_TYPE = 'application/json';

export interface FakeRun {
  runId: string;
  combinations: Combination[];
  /** Target groups per document (default 3). */
  groups?: number;
  previousRunId?: string | null;
  /** When set, status.json records this outcome instead of "published". */
  status?: Partial<Status>;
}

export interface PublishedRun {
  manifest: Manifest;
  /** document name → body */
  bodies: Map<string, Buffer>;
}

export function sha256Hex(body: Buffer | string): string {
  return createHash('sha256').update(body).digest('hex');
}

export function runIdToIso(runId: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(runId);
  if (!m) throw new Error(`bad runId ${runId}`);
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.000Z`;
}

/** A document of `groups` kafka groups shaped like the renderer's output. */
export function renderFakeDocument(runId: string, c: Combination, groups: number): Buffer {
  const docs = Array.from({ length: groups }, (_, i) => {
    const id = `lkc-${runId.slice(0, -1).replace('T', '')}${String(i).padStart(5, '0')}`;
    return {
      labels: {
        __metrics_path__: '/v2/metrics/cloud/export',
        __param_resource_kafka_id: id,
        [`${c.prefix}cloud_provider`]: 'aws',
        [`${c.prefix}cluster_name`]: `cluster-${i}`,
        [`${c.prefix}environment_id`]: `env-${i % 7}`,
        [`${c.prefix}environment_name`]: `environment-${i % 7}`,
        [`${c.prefix}region`]: 'us-east-1',
        [`${c.prefix}resource_id`]: id,
        [`${c.prefix}resource_type`]: 'kafka',
        instance: id,
      },
      targets: c.targets,
    };
  });
  return Buffer.from(canonicalJson(docs));
}

export function buildFakeRun(run: FakeRun): PublishedRun {
  const groups = run.groups ?? 3;
  const bodies = new Map<string, Buffer>();
  const documents: Manifest['documents'] = {};
  for (const c of run.combinations) {
    const name = documentName(c);
    const body = renderFakeDocument(run.runId, c, groups);
    bodies.set(name, body);
    documents[name] = {
      targets: c.targets,
      prefix: c.prefix,
      paramStyle: 'underscore',
      groupBy: 'resource',
      sha256: sha256Hex(body),
      bytes: body.length,
      groups,
    };
  }
  const createdAt = runIdToIso(run.runId);
  const manifest: Manifest = {
    schemaVersion: 1,
    toolVersion: '0.0.0-test',
    runId: run.runId,
    createdAt,
    checkedAt: createdAt,
    previousRunId: run.previousRunId ?? null,
    documents,
    resources: { total: groups, byType: { kafka: groups }, byEnvironment: { 'env-0': groups } },
    api: { requests: 10, retries: 0, throttled: 0, failures: 0, durationMs: 5, discoveryMs: 5 },
  };
  return { manifest, bodies };
}

/** Writes the run like the publisher does: snapshot, latest copies, manifest last, then status.json. */
export async function publishFakeRun(store: Store, run: FakeRun): Promise<PublishedRun> {
  const published = buildFakeRun(run);
  const { manifest, bodies } = published;
  const manifestText = canonicalJson(manifest);
  for (const [name, body] of bodies) await store.put(KEYS.snapshotDocument(run.runId, name), body, JSON_TYPE);
  await store.put(KEYS.snapshotManifest(run.runId), manifestText, JSON_TYPE);
  for (const [name, body] of bodies) await store.put(KEYS.latestDocument(name), body, JSON_TYPE);
  await store.put(KEYS.latestManifest, manifestText, JSON_TYPE);
  await writeFakeStatus(store, {
    runId: run.runId,
    time: manifest.createdAt,
    outcome: 'published',
    error: null,
    snapshot: run.runId,
    lastSuccessAt: manifest.createdAt,
    lastFailureAt: null,
    durationMs: 1000,
    ...run.status,
  });
  return published;
}

export async function writeFakeStatus(store: Store, status: Status): Promise<void> {
  await store.put(KEYS.status, canonicalJson(status), JSON_TYPE);
}
