import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type KafkaPoint,
  kafkaPointsToPartitionCounts,
  PARTITION_COUNT_QUERY,
  parseKafkaPointPage,
} from '../../../src/confluent/partition-counts.js';

test('the query body is the one of the scrape plan: partition_count per kafka id, one recent minute, 1000 groups', () => {
  assert.equal(JSON.parse(JSON.stringify(PARTITION_COUNT_QUERY)), {
    aggregations: [{ metric: 'io.confluent.kafka.server/partition_count' }],
    group_by: ['resource.kafka.id'],
    granularity: 'PT15M',
    intervals: ['PT15M/now-5m|m'],
    limit: 1000,
  });
});

test('kafkaPointsToPartitionCounts: one count per cluster, the largest of its points, whole partitions', () => {
  const point = (id: string, value: number): KafkaPoint => ({ 'resource.kafka.id': id, value });
  const cases: [string, KafkaPoint[], [string, number][]][] = [
    ['no points', [], []],
    [
      'one point each',
      [point('lkc-1', 12), point('lkc-2', 0)],
      [
        ['lkc-1', 12],
        ['lkc-2', 0],
      ],
    ],
    [
      'several buckets keep the largest',
      [point('lkc-1', 10), point('lkc-1', 14), point('lkc-1', 9)],
      [['lkc-1', 14]],
    ],
    ['a fractional aggregate rounds up', [point('lkc-1', 6.2)], [['lkc-1', 7]]],
  ];
  for (const [name, points, want] of cases)
    assert.equal([...kafkaPointsToPartitionCounts(points)], want, name);
});

test('parseKafkaPointPage: the next token from meta.pagination; absent, null or "" end the query', () => {
  const data = [{ timestamp: '2026-01-01T00:00:00Z', 'resource.kafka.id': 'lkc-1', value: 3 }];
  const cases: [string, unknown, string | undefined][] = [
    ['a token', { pagination: { page_size: 1000, next_page_token: 'p2' } }, 'p2'],
    ['null', { pagination: { page_size: 1000, next_page_token: null } }, undefined],
    ['empty', { pagination: { next_page_token: '' } }, undefined],
    ['no pagination', {}, undefined],
    ['no meta', undefined, undefined],
  ];
  for (const [name, meta, want] of cases) {
    const page = parseKafkaPointPage(meta === undefined ? { data } : { data, meta });
    assert.equal(page, { items: data, nextToken: want }, name);
  }
});

test.run();
