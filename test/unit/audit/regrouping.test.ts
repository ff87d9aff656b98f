import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { diffSnapshots, type SnapshotContent } from '../../../src/audit/diff.js';
import { type DocumentContent, documentToResources } from '../../../src/audit/document-resources.js';
import { formatDiff } from '../../../src/audit/format-diff.js';
import type { DocumentEntry, Manifest } from '../../../src/bucket/manifest.js';
import type { Inventory } from '../../../src/discovery/resource.js';
import type { Combination } from '../../../src/render/combination.js';
import { type RenderOptions, renderDocument } from '../../../src/render/render.js';
import { buildRenderInventory, DEFAULT_PLAN, TELEMETRY } from '../../helpers/render-inventory.js';

const ONE: Combination = { targets: [TELEMETRY], prefix: 'confluent_' };
const NAME = 'confluent--api.telemetry.confluent.cloud';
const RESOURCE: RenderOptions = { paramStyle: 'underscore', groupBy: 'resource', batchSize: 50 };
/** A budget of 2 requests per minute: the 8 resources of the test inventory go into 2 packed groups. */
const packed = (plan: Partial<typeof DEFAULT_PLAN> = {}): RenderOptions => ({
  paramStyle: 'underscore',
  groupBy: 'plan',
  batchSize: 50,
  plan: { ...DEFAULT_PLAN, requestsPerMinute: 2, ...plan },
});
const SMALL: RenderOptions = { ...packed(), plan: DEFAULT_PLAN };

/** A snapshot as the publisher writes it (document, info document, plan figures), read back as diff reads it. */
function snapshotOf(
  runId: string,
  inventory: Inventory,
  options: RenderOptions,
  info = true,
): SnapshotContent {
  const doc = renderDocument(inventory, ONE, options);
  const entry: DocumentEntry = {
    targets: ONE.targets,
    prefix: ONE.prefix,
    paramStyle: options.paramStyle,
    groupBy: options.groupBy,
    sha256: '0'.repeat(64),
    bytes: doc.body.length,
    groups: doc.groups,
    ...(info
      ? { info: { sha256: '1'.repeat(64), bytes: doc.info.body.length, series: doc.info.series } }
      : {}),
    ...(doc.plan ? { plan: { ...doc.plan, sizes: 'kind-estimate' as const } } : {}),
  };
  const content = documentToResources(
    doc.body,
    entry,
    `${NAME}.json`,
    info ? { body: doc.info.body, where: `${NAME}.info.prom` } : undefined,
  );
  const manifest: Manifest = {
    schemaVersion: 1,
    toolVersion: 'test',
    runId,
    createdAt: '2025-01-01T00:00:00.000Z',
    checkedAt: '2025-01-01T00:00:00.000Z',
    previousRunId: null,
    documents: { [NAME]: entry },
    resources: { total: inventory.resources.length, byType: {}, byEnvironment: {} },
    api: { requests: 0, retries: 0, throttled: 0, failures: 0, durationMs: 0, discoveryMs: 0 },
  };
  return { manifest, documents: new Map([[NAME, content]]) };
}

function labelsOf(c: DocumentContent | undefined): Record<string, Record<string, string>> {
  return Object.fromEntries([...(c?.resources ?? [])].map(([k, r]) => [k, r.labels]));
}

const withoutInstance = (all: Record<string, Record<string, string>>) =>
  Object.fromEntries(Object.entries(all).map(([k, { instance: _, ...rest }]) => [k, rest]));

const A = '20250101T000000Z';
const B = '20250102T000000Z';

test('documentToResources: a packed plan reads every parameter of a group and takes the labels from the info document', () => {
  const inv = buildRenderInventory();
  const byResource = labelsOf(snapshotOf(A, inv, RESOURCE).documents.get(NAME));
  const plan = snapshotOf(A, inv, packed());
  assert.is(plan.manifest.documents[NAME]?.groups, 2);
  const content = plan.documents.get(NAME);
  assert.equal(labelsOf(content), withoutInstance(byResource));
  // the same labels the group itself carries in the resource grouping, read without the info document
  assert.equal(
    withoutInstance(labelsOf(snapshotOf(A, inv, RESOURCE, false).documents.get(NAME))),
    labelsOf(content),
  );
  const plan0 = { group: 'plan-0', packed: true, shard: '', interval: '' };
  const plan1 = { ...plan0, group: 'plan-1' };
  assert.equal(Object.fromEntries(content?.placement ?? []), {
    'kafka lkc-0a1b2c': plan1,
    'kafka lkc-3d4f5g': plan1,
    'kafka lkc-5t6y7u': plan0,
    'kafka lkc-7x9k2m': plan0,
    'schema_registry lsrc-4r5t6y': plan0,
    'ksql lksqlc-2w3e4r': plan1,
    'compute_pool lfcp-1q2w3e': plan0,
    'connector lcc-9q8w7e': plan1,
  });
});

test('documentToResources: a packed group without its info document keeps only the group labels', () => {
  const body = JSON.stringify([
    {
      targets: ['t'],
      labels: {
        __metrics_path__: '/v2/metrics/cloud/export',
        __param_resource_kafka_id: 'lkc-1,lkc-2',
        __param_resource_connector_id: 'lcc-1',
        __scrape_interval__: '120s',
        instance: 'plan-3-1',
        p_shard: '1',
      },
    },
    {
      targets: ['t'],
      labels: { __param_resource_kafka_id: 'lkc-3', instance: 'lkc-3', p_cluster_name: 'c', p_shard: '0' },
    },
  ]);
  const c = documentToResources(body, { prefix: 'p_', groupBy: 'plan' }, 'doc.json');
  assert.equal(labelsOf(c), {
    'kafka lkc-1': {},
    'kafka lkc-2': {},
    'kafka lkc-3': { cluster_name: 'c', instance: 'lkc-3' },
    'connector lcc-1': {},
  });
  assert.equal(Object.fromEntries(c.placement ?? []), {
    'kafka lkc-1': { group: 'plan-3-1', packed: true, shard: '1', interval: '120s' },
    'kafka lkc-2': { group: 'plan-3-1', packed: true, shard: '1', interval: '120s' },
    'kafka lkc-3': { group: 'lkc-3', packed: false, shard: '0', interval: '' },
    'connector lcc-1': { group: 'plan-3-1', packed: true, shard: '1', interval: '120s' },
  });
});

const NO_PLAN = {
  intervalSeconds: null,
  requestsPerMinute: null,
  budgetPerMinute: null,
  degraded: null,
  shards: null,
  reason: null,
};
const PACKED = {
  groupBy: 'plan',
  groups: 2,
  intervalSeconds: 60,
  requestsPerMinute: 2,
  budgetPerMinute: 2,
  degraded: 'none',
  shards: 1,
  reason: '',
};
const BY_RESOURCE = { groupBy: 'resource', groups: 8, ...NO_PLAN };

test('diff: resource grouping → a packed plan of the same inventory is a regrouping, nothing else', () => {
  const inv = buildRenderInventory();
  const d = diffSnapshots(snapshotOf(A, inv, RESOURCE), snapshotOf(B, inv, packed()));
  const info = (groupBy: string) => ({
    name: NAME,
    targets: [TELEMETRY],
    prefix: 'confluent_',
    paramStyle: 'underscore',
    groupBy,
    metricsPath: '/v2/metrics/cloud/export',
    resources: 8,
  });
  const summary = 'regrouped resource 8 groups → plan 2 groups (2 requests/min, budget 2), 8 resources moved';
  assert.equal(d, {
    from: { runId: A, createdAt: '2025-01-01T00:00:00.000Z' },
    to: { runId: B, createdAt: '2025-01-01T00:00:00.000Z' },
    identical: false,
    totals: { resourcesAdded: 0, resourcesRemoved: 0, resourcesChanged: 0, documentsDiffering: 1 },
    documents: [
      {
        name: NAME,
        status: 'regrouped',
        from: info('resource'),
        to: info('plan'),
        settings: [],
        regrouped: { from: BY_RESOURCE, to: PACKED, moved: 8 },
        added: [],
        removed: [],
        changed: [],
        summary,
      },
    ],
  });
  assert.is(
    formatDiff(d),
    [
      `${A} → ${B}: 1 document differs (1 regrouped); resources: 0 added, 0 removed, 0 changed`,
      `${NAME}: ${summary}`,
      '',
      NAME,
      `  ! ${summary}`,
    ].join('\n'),
  );
});

test('diff: regroupings and what is not one', () => {
  const inv = buildRenderInventory();
  type Want = [status: string, summary: string, regrouped?: unknown];
  const cases: [string, RenderOptions, RenderOptions, Want][] = [
    [
      'a packed plan back to resource grouping',
      packed(),
      RESOURCE,
      [
        'regrouped',
        'regrouped plan 2 groups (2 requests/min, budget 2) → resource 8 groups, 8 resources moved',
        { from: PACKED, to: BY_RESOURCE, moved: 8 },
      ],
    ],
    [
      'resource grouping → a plan of one group per resource: same groups, another grouping',
      RESOURCE,
      SMALL,
      [
        'regrouped',
        'regrouped resource 8 groups → plan 8 groups (8 requests/min, budget 240), 0 resources moved',
        {
          from: BY_RESOURCE,
          to: { ...PACKED, groups: 8, requestsPerMinute: 8, budgetPerMinute: 240 },
          moved: 0,
        },
      ],
    ],
    ['the same packed plan', packed(), packed(), ['unchanged', 'unchanged (8 resources)']],
    [
      'a plan that must shard: every resource moves to a shard',
      packed(),
      packed({ requestsPerMinute: 1, overflow: 'shard' }),
      [
        'regrouped',
        'regrouped plan 2 groups (2 requests/min, budget 2) → plan 2 groups (1 requests/min, budget 1, degraded shard, 2 shards), 8 resources moved',
        {
          from: PACKED,
          to: {
            ...PACKED,
            requestsPerMinute: 1,
            budgetPerMinute: 1,
            degraded: 'shard',
            shards: 2,
            reason: 'the groups do not fit 1 requests per minute: spread over 2 shards',
          },
          moved: 8,
        },
      ],
    ],
    [
      'resource → environment grouping (no plan): a setting, as before',
      RESOURCE,
      { ...RESOURCE, groupBy: 'environment' },
      ['changed', 'groupBy "resource" → "environment", 0 added, 0 removed, 8 changed'],
    ],
  ];
  for (const [name, from, to, [status, summary, regrouped]] of cases) {
    const d = diffSnapshots(snapshotOf(A, inv, from), snapshotOf(B, inv, to));
    const doc = d.documents[0];
    assert.is(d.documents.length, 1, name);
    assert.equal([doc?.status, doc?.summary, doc?.regrouped], [status, summary, regrouped], name);
    if (status === 'regrouped')
      assert.equal([doc?.added, doc?.removed, doc?.changed, doc?.settings], [[], [], [], []], name);
  }
});

test('diff: a packed plan with a cluster added shows exactly that cluster added', () => {
  const inv = buildRenderInventory();
  const grown: Inventory = {
    ...inv,
    resources: [
      ...inv.resources,
      {
        type: 'kafka',
        id: 'lkc-new001',
        name: 'new-cluster',
        environmentId: 'env-a1b2c3',
        environmentName: 'production',
        cloud: 'aws',
        region: 'us-west-2',
      },
    ],
  };
  const a = snapshotOf(A, inv, packed());
  const b = snapshotOf(B, grown, packed());
  assert.is(b.manifest.documents[NAME]?.groups, 2);
  const d = diffSnapshots(a, b);
  assert.equal(d.totals, {
    resourcesAdded: 1,
    resourcesRemoved: 0,
    resourcesChanged: 0,
    documentsDiffering: 1,
  });
  const doc = d.documents[0];
  assert.is(doc?.status, 'changed');
  assert.is(doc?.regrouped, undefined);
  assert.equal(doc?.added, [
    {
      type: 'kafka',
      id: 'lkc-new001',
      labels: {
        cloud_provider: 'aws',
        cluster_name: 'new-cluster',
        environment_id: 'env-a1b2c3',
        environment_name: 'production',
        region: 'us-west-2',
        resource_id: 'lkc-new001',
        resource_type: 'kafka',
      },
    },
  ]);
  assert.equal([doc?.removed, doc?.changed, doc?.settings], [[], [], []]);
  assert.is(doc?.summary, '1 added, 0 removed, 0 changed');
  // and against the resource grouping of the grown organisation: the cluster added, the rest regrouped
  const back = diffSnapshots(a, snapshotOf(B, grown, RESOURCE)).documents[0];
  assert.is(
    back?.summary,
    'regrouped plan 2 groups (2 requests/min, budget 2) → resource 9 groups, 8 resources moved, 1 added, 0 removed, 0 changed',
  );
  assert.equal(
    back?.added.map((r) => r.labels.instance),
    ['lkc-new001'],
  );
});

test.run();
