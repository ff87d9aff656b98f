import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ConfluentClient } from '../../../src/confluent/client.js';
import type { Resource } from '../../../src/discovery/resource.js';
import { addPartitionCounts } from '../../../src/discovery/sizes.js';
import { AppError } from '../../../src/errors.js';
import { createCapturedLog } from '../../helpers/captured-log.js';

const kafka = (id: string, more: Partial<Resource> = {}): Resource => ({
  type: 'kafka',
  id,
  environmentId: 'env-1',
  ...more,
});
const connector: Resource = {
  type: 'connector',
  id: 'lcc-1',
  environmentId: 'env-1',
  kafkaClusterId: 'lkc-1',
};

/** A client that only answers the partition-count query, and counts how often it was asked. */
function clientAnswering(answer: () => Promise<Map<string, number>>) {
  let calls = 0;
  const unused = () => Promise.reject(new Error('not part of sizing'));
  const client: ConfluentClient = {
    listResourceTypes: unused,
    listEnvironments: unused,
    listKafkaClusters: unused,
    listSchemaRegistryClusters: unused,
    listKsqlClusters: unused,
    listComputePools: unused,
    listConnectors: unused,
    queryPartitionCounts: () => {
      calls++;
      return answer();
    },
    stats: () => ({ requests: 0, retries: 0, throttled: 0, failures: 0, durationMs: 0 }),
  };
  return { client, calls: () => calls };
}

const SIZING_WARNING = 'kafka partition counts unavailable, sizes estimated from the cluster kind';

test('no kafka cluster: no query, no sizes, resources as given', async () => {
  const { client, calls } = clientAnswering(() => Promise.resolve(new Map()));
  const { log } = createCapturedLog();
  assert.equal(await addPartitionCounts(client, [connector], log), { resources: [connector] });
  assert.equal(await addPartitionCounts(client, [], log), { resources: [] });
  assert.is(calls(), 0);
});

test('the answer fills partitions of the clusters it has a point for; the others, and other types, are untouched', async () => {
  const { client, calls } = clientAnswering(() =>
    Promise.resolve(
      new Map([
        ['lkc-1', 120],
        ['lkc-gone', 5],
        ['lcc-1', 9],
      ]),
    ),
  );
  const { log, entries } = createCapturedLog();
  const given = [kafka('lkc-1', { kafkaKind: 'Dedicated', cku: 2 }), kafka('lkc-2'), connector];
  assert.equal(await addPartitionCounts(client, given, log), {
    resources: [
      kafka('lkc-1', { kafkaKind: 'Dedicated', cku: 2, partitions: 120 }),
      kafka('lkc-2'),
      connector,
    ],
    sizes: { source: 'metrics-api' },
  });
  assert.is(calls(), 1);
  assert.equal(
    entries().filter((e) => e.level === 'warn'),
    [],
  );
});

test('an API failure is one warning and the kind estimate; discovery goes on', async () => {
  const codes = ['API_AUTH', 'API_UNAVAILABLE', 'API_BAD_RESPONSE', 'API_REQUEST'] as const;
  for (const code of codes) {
    const message = `query kafka partition counts: ${code} happened`;
    const { client } = clientAnswering(() => Promise.reject(new AppError(code, message)));
    const { log, entries } = createCapturedLog();
    const given = [kafka('lkc-1'), connector];
    assert.equal(
      await addPartitionCounts(client, given, log),
      { resources: given, sizes: { source: 'kind-estimate', reason: message } },
      code,
    );
    assert.equal(
      entries()
        .filter((e) => e.level === 'warn')
        .map((e) => [e.msg, e.code, e.reason]),
      [[SIZING_WARNING, code, message]],
      code,
    );
  }
});

test('the job being aborted, or a bug, still fails the run', async () => {
  const thrown = [new AppError('ABORTED', 'query kafka partition counts: aborted'), new TypeError('bug')];
  for (const err of thrown) {
    const { client } = clientAnswering(() => Promise.reject(err));
    const { log } = createCapturedLog();
    try {
      await addPartitionCounts(client, [kafka('lkc-1')], log);
      assert.unreachable('resolved');
    } catch (caught) {
      assert.is(caught, err);
    }
  }
});

test.run();
