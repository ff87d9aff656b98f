import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatHistory, manifestToEntry } from '../../../src/audit/history.js';
import type { DocumentEntry, Manifest, PlanFiguresEntry } from '../../../src/bucket/manifest.js';

const FIGURES: PlanFiguresEntry = {
  groups: 62,
  requestsPerMinute: 62,
  budgetPerMinute: 240,
  requestsPerResourceHour: 120,
  budgetPerResourceHour: 128,
  intervalSeconds: 60,
  scrapers: 2,
  pointsLimit: 48_000,
  lowerBound: 41,
  largestGroup: { key: 'plan-7', resources: 310, points: 47_100, urlBytes: 2031 },
  degraded: 'none',
  shards: 1,
  overCap: [],
  reason: '',
  sizes: 'metrics-api',
};

function entry(plan?: PlanFiguresEntry): DocumentEntry {
  return {
    targets: ['api.telemetry.confluent.cloud'],
    prefix: '',
    paramStyle: 'underscore',
    groupBy: plan ? 'plan' : 'resource',
    sha256: '0'.repeat(64),
    bytes: 1,
    groups: plan?.groups ?? 3,
    ...(plan ? { plan } : {}),
  };
}

function manifest(documents: Record<string, DocumentEntry>): Manifest {
  return {
    schemaVersion: 1,
    toolVersion: '0.1.0',
    runId: '20250131T120000Z',
    createdAt: '2025-01-31T12:00:04.118Z',
    checkedAt: '2025-01-31T15:30:02.530Z',
    previousRunId: '20250130T093000Z',
    documents,
    resources: { total: 3, byType: { kafka: 3 }, byEnvironment: {} },
    api: { requests: 0, retries: 0, throttled: 0, failures: 0, durationMs: 0, discoveryMs: 0 },
  };
}

const LINE = '20250131T120000Z  2025-01-31T12:00:04.118Z  3 resources (kafka 3)  2 documents';
const TAIL = 'replaces 20250130T093000Z';

test('history: the plan figures of a snapshot whose plan packs or degrades, in JSON and text', () => {
  const single = {
    ...FIGURES,
    groups: 3,
    requestsPerMinute: 3,
    largestGroup: { ...FIGURES.largestGroup, resources: 1 },
  };
  const interval = { ...FIGURES, degraded: 'interval' as const, requestsPerMinute: 240, reason: 'slow' };
  const shard = { ...FIGURES, degraded: 'shard' as const, shards: 3, requestsPerMinute: 21 };
  const brief = (p: PlanFiguresEntry) => ({
    groups: p.groups,
    requestsPerMinute: p.requestsPerMinute,
    budgetPerMinute: p.budgetPerMinute,
    degraded: p.degraded,
    shards: p.shards,
  });
  const cases: [string, Record<string, DocumentEntry>, unknown, string][] = [
    ['no plan: as before', { a: entry(), b: entry() }, undefined, `${LINE}  ${TAIL}`],
    [
      'a plan of one group per resource: the resource grouping, nothing to add',
      { a: entry(single), b: entry(single) },
      undefined,
      `${LINE}  ${TAIL}`,
    ],
    [
      'packed, the same in both documents: said once',
      { a: entry(FIGURES), b: entry(FIGURES) },
      { a: brief(FIGURES), b: brief(FIGURES) },
      `${LINE}  plan 62 groups, 62/240 requests/min  ${TAIL}`,
    ],
    [
      'degraded in one document: each document',
      { a: entry(single), b: entry(interval) },
      { a: brief(single), b: brief(interval) },
      `${LINE}  plan a: 3 groups, 3/240 requests/min; b: 62 groups, 240/240 requests/min, degraded interval  ${TAIL}`,
    ],
    [
      'sharded',
      { a: entry(shard), b: entry() },
      { a: brief(shard) },
      `${LINE}  plan 62 groups, 21/240 requests/min, degraded shard (3 shards)  ${TAIL}`,
    ],
  ];
  for (const [name, documents, plan, text] of cases) {
    const e = manifestToEntry(manifest(documents), undefined, false);
    assert.equal(e.plan, plan, name);
    assert.is('plan' in e, plan !== undefined, name);
    assert.is(formatHistory({ latest: null, snapshots: [e] }), text, name);
  }
});

test.run();
