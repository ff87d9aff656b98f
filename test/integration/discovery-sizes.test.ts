/**
 * Discovery's one partition-count query against a scripted loopback organisation: it comes after the listings,
 * fills `partitions`, and when it is refused, broken or keeps failing discovery still succeeds, warns once and
 * records the kind estimate.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { discoverInventory } from '../../src/discovery/discover.js';
import type { Inventory, Resource } from '../../src/discovery/resource.js';
import { listPage, type ScriptedReply, startScriptedServer } from '../helpers/scripted-server.js';
import { createTestClient } from '../helpers/test-client.js';

const QUERY = '/v2/metrics/cloud/query';
const SIZING_WARNING = 'kafka partition counts unavailable, sizes estimated from the cluster kind';

const point = (id: string, value: number) => ({
  timestamp: '2026-03-01T10:00:00Z',
  'resource.kafka.id': id,
  value,
});
const page = (data: unknown[], next?: string) => ({
  data,
  meta: { pagination: next === undefined ? { page_size: 1000 } : { page_size: 1000, next_page_token: next } },
});

/** One environment, two Kafka clusters (one Dedicated with 2 CKUs, one Basic), no connectors. */
function reply(path: string, query: () => ScriptedReply): ScriptedReply {
  switch (path) {
    case '/v2/metrics/cloud/descriptors/resources':
      return { body: page([{ type: 'kafka' }, { type: 'connector' }]) };
    case '/org/v2/environments':
      return { body: listPage([{ id: 'env-1', display_name: 'prod' }]) };
    case '/cmk/v2/clusters':
      return {
        body: listPage([
          { id: 'lkc-1', spec: { display_name: 'orders', config: { kind: 'Dedicated', cku: 2 } } },
          { id: 'lkc-2', spec: { display_name: 'scratch', config: { kind: 'Basic' } } },
        ]),
      };
    case '/srcm/v3/clusters':
    case '/ksqldbcm/v2/clusters':
    case '/fcpm/v2/compute-pools':
      return { body: listPage([]) };
    case QUERY:
      return query();
    case '/v2/metrics/cloud-custom/descriptors/resources':
      return { status: 404, body: { errors: [{ status: '404', detail: 'Unknown dataset: cloud-custom' }] } };
    default:
      return { body: {} };
  }
}

/** The Metrics API exports kafka and connector only: the other types are listed to count them (none here). */
const REPORT: Inventory['report'] = {
  types: ['kafka', 'connector'],
  typesFrom: 'metrics-api',
  skippedTypes: (['schema_registry', 'ksql', 'compute_pool', 'custom_connector'] as const).map((type) => ({
    type,
    reason: 'not-exported',
    resources: 0,
  })),
  refused: [],
  gone: [],
  invalid: [],
};

const cluster = (id: string, name: string, more: Partial<Resource>): Resource => ({
  type: 'kafka',
  id,
  name,
  environmentId: 'env-1',
  environmentName: 'prod',
  ...more,
});
const DEDICATED = cluster('lkc-1', 'orders', { kafkaKind: 'Dedicated', cku: 2 });
const BASIC = cluster('lkc-2', 'scratch', { kafkaKind: 'Basic' });

interface Case {
  name: string;
  query: (index: number) => ScriptedReply;
  resources: Resource[];
  sizes: Inventory['sizes'];
  queries: number;
}

const forbidden = { status: 403, body: { errors: [{ status: '403', detail: 'Forbidden' }] } };
const cases: Case[] = [
  {
    name: 'two pages: partitions for the clusters with a point, none for the one without',
    query: (i) =>
      i === 0 ? { body: page([point('lkc-1', 1800)], 'p2') } : { body: page([point('lkc-other', 4)]) },
    resources: [{ ...DEDICATED, partitions: 1800 }, BASIC],
    sizes: { source: 'metrics-api' },
    queries: 2,
  },
  {
    name: 'a key without MetricsViewer (403)',
    query: () => forbidden,
    resources: [DEDICATED, BASIC],
    sizes: {
      source: 'kind-estimate',
      reason:
        "query kafka partition counts: server returned HTTP 403 (Forbidden) for POST /v2/metrics/cloud/query: the API key's principal lacks permission; " +
        'this needs a Cloud API key (confluent api-key create --resource cloud) whose principal has the MetricsViewer role (or OrganizationAdmin)',
    },
    queries: 1,
  },
  {
    name: 'a bad body',
    query: () => ({ body: { data: [{ timestamp: 't', value: 3 }] } }),
    resources: [DEDICATED, BASIC],
    sizes: {
      source: 'kind-estimate',
      reason:
        'query kafka partition counts: POST /v2/metrics/cloud/query returned an unexpected body: data[0]["resource.kafka.id"]: is missing',
    },
    queries: 1,
  },
  {
    name: 'a 503 that outlasts the retries',
    query: () => ({ status: 503, body: { errors: [{ status: '503' }] } }),
    resources: [DEDICATED, BASIC],
    sizes: {
      source: 'kind-estimate',
      reason: 'query kafka partition counts: server returned HTTP 503 after 3 attempts',
    },
    queries: 3,
  },
  {
    name: 'a 429, then the answer',
    query: (i) =>
      i === 0
        ? { status: 429, body: { errors: [{ status: '429', detail: 'Too many requests.' }] } }
        : { body: page([point('lkc-2', 12), point('lkc-1', 300)]) },
    resources: [
      { ...DEDICATED, partitions: 300 },
      { ...BASIC, partitions: 12 },
    ],
    sizes: { source: 'metrics-api' },
    queries: 2,
  },
];

for (const c of cases) {
  test(`discovery sizes kafka clusters: ${c.name}`, async () => {
    const server = await startScriptedServer((req, index) => reply(req.path, () => c.query(index)));
    try {
      const { client, captured } = createTestClient(server.url, { retries: 2 });
      const inventory = await discoverInventory({ client, log: captured.log });
      assert.equal(inventory, {
        environments: [{ id: 'env-1', name: 'prod' }],
        resources: c.resources,
        exportedTypes: ['connector', 'kafka'],
        sizes: c.sizes,
        report: REPORT,
      });
      const paths = server.requests.map((r) => r.path);
      assert.is(paths.filter((p) => p === QUERY).length, c.queries);
      assert.ok(
        paths.indexOf(QUERY) > paths.lastIndexOf('/cmk/v2/clusters'),
        'the query comes after the listings',
      );
      assert.ok(
        paths.slice(paths.indexOf(QUERY)).every((p) => p === QUERY),
        `the query comes last: ${paths.join(' ')}`,
      );
      // exactly one warning of discovery's own (the client also warns once per failed attempt)
      assert.equal(
        captured
          .entries()
          .filter((e) => e.msg === SIZING_WARNING)
          .map((e) => [e.level, e.reason]),
        c.sizes?.source === 'kind-estimate' ? [['warn', c.sizes.reason]] : [],
      );
    } finally {
      await server.close();
    }
  });
}

test('no kafka cluster found: no query, no sizes', async () => {
  const server = await startScriptedServer((req) =>
    req.path === '/cmk/v2/clusters' ? { body: listPage([]) } : reply(req.path, () => forbidden),
  );
  try {
    const { client, captured } = createTestClient(server.url);
    const inventory = await discoverInventory({ client, log: captured.log });
    assert.equal(inventory, {
      environments: [{ id: 'env-1', name: 'prod' }],
      resources: [],
      exportedTypes: ['connector', 'kafka'],
      report: REPORT,
    });
    assert.is(server.requestsTo(QUERY).length, 0);
  } finally {
    await server.close();
  }
});

test.run();
