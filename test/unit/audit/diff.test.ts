import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { diffSnapshots, matchDocuments, type SnapshotContent } from '../../../src/audit/diff.js';
import { type DocumentContent, documentToResources } from '../../../src/audit/document-resources.js';
import { formatDiff } from '../../../src/audit/format-diff.js';
import type { Manifest } from '../../../src/bucket/manifest.js';
import type { Inventory } from '../../../src/discovery/resource.js';
import { isAppError } from '../../../src/errors.js';
import type { Combination } from '../../../src/render/combination.js';
import { type RenderOptions, renderDocument } from '../../../src/render/render.js';
import { buildRenderInventory, TELEMETRY } from '../../helpers/render-inventory.js';

const RESOURCE = (paramStyle: 'underscore' | 'dotted'): RenderOptions => ({
  paramStyle,
  groupBy: 'resource',
  batchSize: 50,
});
const ONE: Combination = { targets: [TELEMETRY], prefix: 'confluent_' };

interface DocSpec {
  combination: Combination;
  options: RenderOptions;
}

/** A snapshot as the publisher would have written it: manifest entries and each document read back. */
function snapshotOf(
  runId: string,
  inventory: Inventory,
  specs: DocSpec[],
  names?: string[],
): SnapshotContent {
  const documents = new Map<string, DocumentContent>();
  const entries: Manifest['documents'] = {};
  specs.forEach((s, i) => {
    const doc = renderDocument(inventory, s.combination, s.options);
    const name = names?.[i] ?? doc.name;
    const entry = {
      targets: s.combination.targets,
      prefix: s.combination.prefix,
      paramStyle: s.options.paramStyle,
      groupBy: s.options.groupBy,
      sha256: '0'.repeat(64),
      bytes: doc.body.length,
      groups: doc.groups,
    };
    entries[name] = entry;
    documents.set(name, documentToResources(doc.body, entry, name));
  });
  const manifest: Manifest = {
    schemaVersion: 1,
    toolVersion: 'test',
    runId,
    createdAt: '2025-01-01T00:00:00.000Z',
    checkedAt: '2025-01-01T00:00:00.000Z',
    previousRunId: null,
    documents: entries,
    resources: { total: inventory.resources.length, byType: {}, byEnvironment: {} },
    api: { requests: 0, retries: 0, throttled: 0, failures: 0, durationMs: 0, discoveryMs: 0 },
  };
  return { manifest, documents };
}

function plainResources(c: DocumentContent) {
  return Object.fromEntries([...c.resources].map(([k, r]) => [k, r.labels]));
}

test('documentToResources: prefix and param style do not change the resources read back', () => {
  const inventory = buildRenderInventory();
  const variants: [string, Combination, RenderOptions][] = [
    ['underscore, confluent_', ONE, RESOURCE('underscore')],
    ['underscore, no prefix', { targets: [TELEMETRY], prefix: '' }, RESOURCE('underscore')],
    ['dotted, confluent_', ONE, RESOURCE('dotted')],
    ['dotted, cc_, two targets', { targets: ['proxy:9443', TELEMETRY], prefix: 'cc_' }, RESOURCE('dotted')],
  ];
  const read = variants.map(([, c, o]) => {
    const doc = renderDocument(inventory, c, o);
    return plainResources(documentToResources(doc.body, { prefix: c.prefix, groupBy: 'resource' }, 'x'));
  });
  for (let i = 1; i < read.length; i++) assert.equal(read[i], read[0], variants[i]?.[0]);
  assert.equal(read[0]?.['kafka lkc-7x9k2m'], {
    cloud_provider: 'aws',
    cluster_name: 'orders-prod',
    environment_id: 'env-a1b2c3',
    environment_name: 'production',
    instance: 'lkc-7x9k2m',
    region: 'us-east-1',
    resource_id: 'lkc-7x9k2m',
    resource_type: 'kafka',
  });
  assert.equal(Object.keys(read[0] ?? {}), [
    'kafka lkc-0a1b2c',
    'kafka lkc-3d4f5g',
    'kafka lkc-5t6y7u',
    'kafka lkc-7x9k2m',
    'schema_registry lsrc-4r5t6y',
    'ksql lksqlc-2w3e4r',
    'compute_pool lfcp-1q2w3e',
    'connector lcc-9q8w7e',
  ]);
});

test('documentToResources: an environment-grouped document gives each id the group labels, without instance', () => {
  const doc = renderDocument(buildRenderInventory(), ONE, {
    paramStyle: 'dotted',
    groupBy: 'environment',
    batchSize: 2,
  });
  const content = documentToResources(doc.body, { prefix: 'confluent_', groupBy: 'environment' }, 'x');
  const prod = { environment_id: 'env-a1b2c3', environment_name: 'production' };
  assert.equal(plainResources(content), {
    'kafka lkc-0a1b2c': { ...prod, resource_type: 'kafka' },
    'kafka lkc-3d4f5g': { ...prod, resource_type: 'kafka' },
    'kafka lkc-5t6y7u': {
      environment_id: 'env-z9y8x7',
      environment_name: 'staging "blue" ünïcødé 環境',
      resource_type: 'kafka',
    },
    'kafka lkc-7x9k2m': { ...prod, resource_type: 'kafka' },
    'schema_registry lsrc-4r5t6y': { ...prod, resource_type: 'schema_registry' },
    'ksql lksqlc-2w3e4r': { ...prod, resource_type: 'ksql' },
    'compute_pool lfcp-1q2w3e': {
      environment_id: 'env-z9y8x7',
      environment_name: 'staging "blue" ünïcødé 環境',
      resource_type: 'compute_pool',
    },
    'connector lcc-9q8w7e': { ...prod, resource_type: 'connector' },
  });
  assert.is(content.metricsPath, '/v2/metrics/cloud/export');
});

test('documentToResources: unreadable documents are MANIFEST_INVALID naming the place', () => {
  const cases: [string, string, RegExp][] = [
    ['not JSON', '[{', /^read doc\.json: not JSON$/],
    ['not an array', '{"targets":[]}', /not a JSON array/],
    ['a group without labels', '[{"targets":["a"]}]', /group #0 has no labels object/],
    [
      'a group naming no resource',
      '[{"targets":["a"],"labels":{"__metrics_path__":"/x"}}]',
      /group #0 names no resource id/,
    ],
  ];
  for (const [name, body, want] of cases) {
    try {
      documentToResources(body, { prefix: '', groupBy: 'resource' }, 'doc.json');
      assert.unreachable(name);
    } catch (err) {
      assert.ok(isAppError(err, 'MANIFEST_INVALID'), name);
      assert.match((err as Error).message, want, name);
    }
  }
});

test('documentToResources: without a param label the resource_type/resource_id labels name the resource', () => {
  const body = JSON.stringify([
    { targets: ['a'], labels: { p_resource_type: 'kafka', p_resource_id: 'lkc-1', p_region: 'r' } },
  ]);
  assert.equal(plainResources(documentToResources(body, { prefix: 'p_', groupBy: 'resource' }, 'x')), {
    'kafka lkc-1': { region: 'r', resource_id: 'lkc-1', resource_type: 'kafka' },
  });
});

function changedInventory(): Inventory {
  const inv = buildRenderInventory();
  return {
    ...inv,
    environments: inv.environments.map((e) => (e.id === 'env-z9y8x7' ? { ...e, name: 'staging' } : e)),
    resources: [
      ...inv.resources
        .filter((r) => r.id !== 'lcc-9q8w7e')
        .map((r) => (r.environmentId === 'env-z9y8x7' ? { ...r, environmentName: 'staging' } : r)),
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
}

const OLD_STAGING = 'staging "blue" ünïcødé 環境';

test('diffSnapshots: exactly the added cluster, the renamed environment and the removed connector', () => {
  const specs = [{ combination: ONE, options: RESOURCE('underscore') }];
  const a = snapshotOf('20250101T000000Z', buildRenderInventory(), specs);
  const b = snapshotOf('20250102T000000Z', changedInventory(), specs);
  const d = diffSnapshots(a, b);
  const rename = [{ name: 'environment_name', from: OLD_STAGING, to: 'staging' }];
  const info = {
    name: 'confluent--api.telemetry.confluent.cloud',
    targets: [TELEMETRY],
    prefix: 'confluent_',
    paramStyle: 'underscore',
    groupBy: 'resource',
    metricsPath: '/v2/metrics/cloud/export',
  };
  assert.equal(d, {
    from: { runId: '20250101T000000Z', createdAt: '2025-01-01T00:00:00.000Z' },
    to: { runId: '20250102T000000Z', createdAt: '2025-01-01T00:00:00.000Z' },
    identical: false,
    totals: { resourcesAdded: 1, resourcesRemoved: 1, resourcesChanged: 2, documentsDiffering: 1 },
    documents: [
      {
        name: 'confluent--api.telemetry.confluent.cloud',
        status: 'changed',
        from: { ...info, resources: 8 },
        to: { ...info, resources: 8 },
        settings: [],
        added: [
          {
            type: 'kafka',
            id: 'lkc-new001',
            labels: {
              cloud_provider: 'aws',
              cluster_name: 'new-cluster',
              environment_id: 'env-a1b2c3',
              environment_name: 'production',
              instance: 'lkc-new001',
              region: 'us-west-2',
              resource_id: 'lkc-new001',
              resource_type: 'kafka',
            },
          },
        ],
        removed: [
          {
            type: 'connector',
            id: 'lcc-9q8w7e',
            labels: {
              cloud_provider: 'aws',
              cluster_id: 'lkc-7x9k2m',
              connector_name: 'orders "sink"\nto s3',
              environment_id: 'env-a1b2c3',
              environment_name: 'production',
              instance: 'lcc-9q8w7e',
              region: 'us-east-1',
              resource_id: 'lcc-9q8w7e',
              resource_type: 'connector',
            },
          },
        ],
        changed: [
          { type: 'kafka', id: 'lkc-5t6y7u', labels: rename },
          { type: 'compute_pool', id: 'lfcp-1q2w3e', labels: rename },
        ],
        summary: '1 added, 1 removed, 2 changed',
      },
    ],
  });
  assert.is(
    formatDiff(d),
    [
      '20250101T000000Z → 20250102T000000Z: 1 document differs; resources: 1 added, 1 removed, 2 changed',
      'confluent--api.telemetry.confluent.cloud: 1 added, 1 removed, 2 changed',
      '',
      'confluent--api.telemetry.confluent.cloud',
      '  + kafka lkc-new001 (new-cluster)',
      '  - connector lcc-9q8w7e (orders "sink"\nto s3)',
      `  ~ kafka lkc-5t6y7u environment_name: ${JSON.stringify(OLD_STAGING)} → "staging"`,
      `  ~ compute_pool lfcp-1q2w3e environment_name: ${JSON.stringify(OLD_STAGING)} → "staging"`,
    ].join('\n'),
  );
});

test('diffSnapshots: document-level cases', () => {
  const inv = buildRenderInventory();
  const noprefix: Combination = { targets: [TELEMETRY], prefix: '' };
  const spec = (combination: Combination, paramStyle: 'underscore' | 'dotted' = 'underscore') => ({
    combination,
    options: RESOURCE(paramStyle),
  });
  type Want = { identical: boolean; docs: [string, string, string][] };
  const cases: [string, DocSpec[], DocSpec[], Want][] = [
    [
      'same organisation, same settings',
      [spec(ONE), spec(noprefix)],
      [spec(ONE), spec(noprefix)],
      {
        identical: true,
        docs: [
          ['confluent--api.telemetry.confluent.cloud', 'unchanged', 'unchanged (8 resources)'],
          ['noprefix--api.telemetry.confluent.cloud', 'unchanged', 'unchanged (8 resources)'],
        ],
      },
    ],
    [
      'param style switched to dotted: a setting, no resource change',
      [spec(ONE)],
      [spec(ONE, 'dotted')],
      {
        identical: false,
        docs: [
          [
            'confluent--api.telemetry.confluent.cloud',
            'changed',
            'paramStyle "underscore" → "dotted", 0 added, 0 removed, 0 changed',
          ],
        ],
      },
    ],
    [
      'prefix changed: matched by targets, compared by resource',
      [spec(ONE)],
      [spec({ targets: [TELEMETRY], prefix: 'cc_' })],
      {
        identical: false,
        docs: [
          [
            'cc--api.telemetry.confluent.cloud',
            'changed',
            'was confluent--api.telemetry.confluent.cloud, prefix "confluent_" → "cc_", 0 added, 0 removed, 0 changed',
          ],
        ],
      },
    ],
    [
      'target list changed: matched by prefix',
      [spec(ONE)],
      [spec({ targets: ['proxy:9443'], prefix: 'confluent_' })],
      {
        identical: false,
        docs: [
          [
            'confluent--proxy-9443',
            'changed',
            'was confluent--api.telemetry.confluent.cloud, targets ["api.telemetry.confluent.cloud"] → ["proxy:9443"], 0 added, 0 removed, 0 changed',
          ],
        ],
      },
    ],
    [
      'a combination added and one removed',
      [spec(ONE), spec(noprefix)],
      [spec(ONE), spec({ targets: ['proxy:9443'], prefix: 'cc_' })],
      {
        identical: false,
        docs: [
          ['cc--proxy-9443', 'added', 'added: targets ["proxy:9443"], prefix "cc_", 8 resources'],
          ['confluent--api.telemetry.confluent.cloud', 'unchanged', 'unchanged (8 resources)'],
          ['noprefix--api.telemetry.confluent.cloud', 'removed', 'removed: 8 resources'],
        ],
      },
    ],
  ];
  for (const [name, from, to, want] of cases) {
    const d = diffSnapshots(
      snapshotOf('20250101T000000Z', inv, from),
      snapshotOf('20250102T000000Z', inv, to),
    );
    assert.is(d.identical, want.identical, name);
    assert.equal(
      d.documents.map((x) => [x.name, x.status, x.summary]),
      want.docs,
      name,
    );
    assert.is(d.totals.resourcesChanged, 0, name);
  }
});

test('matchDocuments: several candidates go to the one whose resources differ least, ties by name', () => {
  const res = (...ids: string[]) =>
    new Map(ids.map((id) => [`kafka ${id}`, { type: 'kafka', id, labels: {} }]));
  const side = (name: string, targets: string[], prefix: string, ids: string[]) => ({
    name,
    entry: {
      targets,
      prefix,
      paramStyle: 'underscore' as const,
      groupBy: 'resource' as const,
      sha256: '',
      bytes: 0,
      groups: 0,
    },
    content: { resources: res(...ids), metricsPath: '' },
  });
  const names = (m: ReturnType<typeof matchDocuments>) => [
    m.pairs.map(([a, b]) => `${a.name}>${b.name}`),
    m.removed.map((x) => x.name),
    m.added.map((x) => x.name),
  ];
  const cases: [string, ReturnType<typeof side>[], ReturnType<typeof side>[], string[][]][] = [
    [
      'same targets, both prefixes changed: closest resources win',
      [side('a', ['t'], 'p_', ['1']), side('b', ['t'], 'q_', ['2'])],
      [side('c', ['t'], 'r_', ['2']), side('d', ['t'], 's_', ['1'])],
      [['a>d', 'b>c'], [], []],
    ],
    [
      'a tie goes by name',
      [side('a', ['t'], '', ['1']), side('b', ['t'], 'x_', ['1'])],
      [side('c', ['t'], 'cc_', ['1'])],
      [['a>c'], ['b'], []],
    ],
    [
      'targets and prefix both changed: removed and added',
      [side('a', ['t1'], 'p_', ['1'])],
      [side('b', ['t2'], 'q_', ['1'])],
      [[], ['a'], ['b']],
    ],
  ];
  for (const [name, from, to, want] of cases) assert.equal(names(matchDocuments(from, to)), want, name);
});

test.run();
