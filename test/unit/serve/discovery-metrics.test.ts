/** /metrics: what discovery left out of the snapshot being served, from the manifest's `discovery` report. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DiscoveryReportEntry } from '../../../src/bucket/manifest.js';
import { createServeFixture, publishInfoRun } from '../../helpers/serve-app.js';

const COMBINATIONS = [{ targets: ['api.telemetry.confluent.cloud'], prefix: 'confluent_' }];

const outcome = (listing: string, environmentId: string, status: number) => ({
  listing,
  environmentId,
  status,
  reason:
    status === 403 ? 'This service is not available in Confluent Cloud for Government' : 'account not found',
});

const REPORT: DiscoveryReportEntry = {
  types: ['kafka', 'connector'],
  typesFrom: 'metrics-api',
  skippedTypes: [
    { type: 'compute_pool', reason: 'not-exported', resources: 12 },
    { type: 'ksqldb', reason: 'not-configured', resources: null },
  ],
  refused: [
    outcome('schema_registry', 'env-a', 403),
    outcome('schema_registry', 'env-b', 403),
    outcome('kafka', 'env-c', 403),
  ],
  gone: [{ ...outcome('connector', 'env-a', 404), kafkaClusterId: 'lkc-gone' }],
  invalid: [{ type: 'connector', name: 'no-id', environmentId: 'env-a', problem: 'no id' }],
  invalidTotal: 140,
};

const discoveryLines = (text: string) =>
  text.split('\n').filter((l) => l.startsWith('confluent_sd_discovery_'));

test('discovery gauges: skipped types and their resources, refused and gone listings, records left out', async () => {
  const f = await createServeFixture();
  try {
    // a manifest without the report (written before it): no sample but the label-less count's 0
    await publishInfoRun(f.writer, { runId: '20260101T120000Z', combinations: COMBINATIONS });
    await f.documents.reload();
    assert.equal(discoveryLines((await f.app.inject({ url: '/metrics' })).body), [
      'confluent_sd_discovery_invalid_records 0',
    ]);

    await publishInfoRun(f.writer, {
      runId: '20260101T123000Z',
      combinations: COMBINATIONS,
      discovery: REPORT,
    });
    await f.documents.reload();
    assert.equal(discoveryLines((await f.app.inject({ url: '/metrics' })).body), [
      'confluent_sd_discovery_skipped_types{type="compute_pool",reason="not-exported"} 1',
      'confluent_sd_discovery_skipped_types{type="ksqldb",reason="not-configured"} 1',
      'confluent_sd_discovery_skipped_resources{type="compute_pool"} 12',
      'confluent_sd_discovery_refused_listings{listing="schema_registry"} 2',
      'confluent_sd_discovery_refused_listings{listing="kafka"} 1',
      'confluent_sd_discovery_gone_listings{listing="connector"} 1',
      'confluent_sd_discovery_invalid_records 140',
    ]);

    // a clean run: the old samples go with the old snapshot
    const clean = { ...REPORT, skippedTypes: [], refused: [], gone: [], invalid: [], invalidTotal: 0 };
    await publishInfoRun(f.writer, {
      runId: '20260101T130000Z',
      combinations: COMBINATIONS,
      discovery: clean,
    });
    await f.documents.reload();
    assert.equal(discoveryLines((await f.app.inject({ url: '/metrics' })).body), [
      'confluent_sd_discovery_invalid_records 0',
    ]);
  } finally {
    await f.close();
  }
});

test('discovery gauges: label values stay bounded whatever the manifest holds', async () => {
  const f = await createServeFixture();
  try {
    const refused = Array.from({ length: 40 }, (_, i) =>
      outcome(`type_${String.fromCharCode(97 + (i % 26), 97 + Math.floor(i / 26))}`, 'env-a', 403),
    );
    refused.push(outcome('Bad Value{}', 'env-a', 403));
    await publishInfoRun(f.writer, {
      runId: '20260101T120000Z',
      combinations: COMBINATIONS,
      discovery: { ...REPORT, refused },
    });
    await f.documents.reload();
    const lines = discoveryLines((await f.app.inject({ url: '/metrics' })).body).filter((l) =>
      l.startsWith('confluent_sd_discovery_refused_listings'),
    );
    assert.is(lines.length, 16);
    assert.ok(
      lines.includes('confluent_sd_discovery_refused_listings{listing="other"} 26'),
      lines.join('\n'),
    );
  } finally {
    await f.close();
  }
});

test.run();
