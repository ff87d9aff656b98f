/** The discovery report in the dry-run summary and in the manifest: what was not published, loudly. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { manifestSchema } from '../../../src/bucket/manifest.js';
import type { DiscoveryReport, Inventory } from '../../../src/discovery/resource.js';
import { discoveryEntry, MANIFEST_INVALID_LIMIT } from '../../../src/publish/documents.js';
import { formatDiscoveryReport } from '../../../src/publish/summary.js';

const REPORT: DiscoveryReport = {
  types: ['kafka', 'schema_registry', 'ksql', 'connector'],
  typesFrom: 'metrics-api',
  skippedTypes: [{ type: 'compute_pool', reason: 'not-exported', resources: 3 }],
  refused: [
    {
      listing: 'schema_registry',
      environmentId: 'env-1',
      status: 403,
      reason: 'server returned HTTP 403 (This service is not available in Confluent Cloud for Government.)',
    },
  ],
  gone: [
    {
      listing: 'connector',
      environmentId: 'env-1',
      kafkaClusterId: 'lkc-9',
      status: 404,
      reason: 'server returned HTTP 404 (account not found)',
    },
  ],
  invalid: [
    {
      type: 'connector',
      name: 'no-id',
      environmentId: 'env-1',
      kafkaClusterId: 'lkc-1',
      problem: 'has no id',
    },
    {
      type: 'kafka',
      id: 'lkc-a,lkc-b',
      environmentId: 'env-1',
      problem: 'id "lkc-a,lkc-b" has a separator (",")',
    },
  ],
};

test('the summary names every type skipped, listing refused or gone and record left out', () => {
  assert.equal(formatDiscoveryReport(REPORT), [
    'types: kafka, schema_registry, ksql, connector (as the Metrics API exports them)',
    '  compute_pool: NOT PUBLISHED, the Metrics API does not export it: 3 resources left out',
    'REFUSED listings (HTTP 403), their resources left out: 1',
    '  schema_registry in env-1: server returned HTTP 403 (This service is not available in Confluent Cloud for Government.)',
    'listings of something deleted meanwhile (HTTP 404), nothing there: 1',
    '  connector of lkc-9 in env-1: server returned HTTP 404 (account not found)',
    'LEFT OUT, cannot be scraped: 2',
    '  connector (no id) "no-id" (lkc-1 in env-1): has no id',
    '  kafka lkc-a,lkc-b (env-1): id "lkc-a,lkc-b" has a separator (",")',
  ]);
  assert.equal(
    formatDiscoveryReport({
      ...REPORT,
      typesFrom: 'SD_RESOURCE_TYPES',
      skippedTypes: [{ type: 'ksql', reason: 'not-configured', resources: null }],
      refused: [],
      gone: [],
      invalid: [],
    }),
    [
      'types: kafka, schema_registry, ksql, connector (from SD_RESOURCE_TYPES)',
      '  ksql: not listed (SD_RESOURCE_TYPES)',
    ],
  );
});

test('the manifest carries the report, at most the first 100 records left out, and reads back', () => {
  const inventory: Inventory = { environments: [], resources: [], exportedTypes: [], report: REPORT };
  const entry = discoveryEntry(inventory).discovery;
  assert.equal(entry, { ...REPORT, invalidTotal: 2 });
  const many = Array.from({ length: 150 }, (_, i) => ({ type: 'kafka' as const, id: `x${i}`, problem: 'p' }));
  const capped = discoveryEntry({ ...inventory, report: { ...REPORT, invalid: many } }).discovery;
  assert.equal([capped?.invalid.length, capped?.invalidTotal], [MANIFEST_INVALID_LIMIT, 150]);
  assert.equal(discoveryEntry({ environments: [], resources: [], exportedTypes: [] }), {});
  const shape = manifestSchema.shape.discovery;
  assert.equal(shape.parse(entry), entry);
});

test.run();
