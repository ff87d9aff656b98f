/** The `/query` body the simulator models (partition count per Kafka cluster): intervals, buckets and refusals. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bucketStarts, parseInterval } from '../../../src/simulator/query-interval.js';
import { parseQueryBody } from '../../../src/simulator/query-request.js';

const NOW = Date.UTC(2020, 0, 1, 2, 13, 27);
const at = (iso: string) => Date.parse(iso);

for (const [text, want] of [
  ['PT1M/now-2m|m', { start: at('2020-01-01T02:10:00Z'), end: at('2020-01-01T02:11:00Z') }],
  ['now|h/now', { start: at('2020-01-01T02:00:00Z'), end: NOW }],
  ['now-1d|d/P1D', { start: at('2019-12-31T00:00:00Z'), end: at('2020-01-01T00:00:00Z') }],
  ['2019-10-17T20:17:00.000Z/PT2H', { start: at('2019-10-17T20:17:00Z'), end: at('2019-10-17T22:17:00Z') }],
  [
    '2019-10-17T20:17:00Z/2019-10-17T20:19:00Z',
    { start: at('2019-10-17T20:17:00Z'), end: at('2019-10-17T20:19:00Z') },
  ],
  ['now-2m|m', undefined],
  ['now/now-1m', undefined],
  ['P/now', undefined],
  ['yesterday/now', undefined],
] as const) {
  test(`interval ${text}`, () => {
    assert.equal(parseInterval(text, NOW), want);
  });
}

test('buckets are aligned to the granularity and listed newest first; ALL is one bucket', () => {
  const interval = { start: at('2020-01-01T02:10:30Z'), end: at('2020-01-01T02:13:00Z') };
  assert.equal(bucketStarts(interval, 60_000), [
    at('2020-01-01T02:12:00Z'),
    at('2020-01-01T02:11:00Z'),
    at('2020-01-01T02:10:00Z'),
  ]);
  assert.equal(bucketStarts(interval, 0), [interval.start]);
});

const PLANNER_QUERY = {
  aggregations: [{ metric: 'io.confluent.kafka.server/partition_count' }],
  group_by: ['resource.kafka.id'],
  granularity: 'PT1M',
  intervals: ['PT1M/now-2m|m'],
  limit: 1000,
};

test('the planner query: one bucket, limit 1000, flat', () => {
  assert.equal(parseQueryBody(PLANNER_QUERY, NOW), {
    buckets: [at('2020-01-01T02:10:00Z')],
    limit: 1000,
    format: 'FLAT',
  });
});

test('a filter on resource.kafka.id keeps those clusters', () => {
  const filter = {
    op: 'OR',
    filters: [
      { field: 'resource.kafka.id', op: 'EQ', value: 'lkc-1' },
      { field: 'resource.kafka.id', op: 'EQ', value: 'lkc-2' },
    ],
  };
  const query = parseQueryBody({ ...PLANNER_QUERY, filter, format: 'GROUPED' }, NOW);
  assert.equal(query, {
    buckets: [at('2020-01-01T02:10:00Z')],
    limit: 1000,
    format: 'GROUPED',
    ids: new Set(['lkc-1', 'lkc-2']),
  });
});

const UNMODELLED =
  'the simulator answers only io.confluent.kafka.server/partition_count grouped by resource.kafka.id';
for (const [name, change, detail] of [
  ['not an object', [], 'The request body must be a JSON object'],
  [
    'another metric',
    { aggregations: [{ metric: 'io.confluent.kafka.server/received_bytes' }] },
    `Unsupported metric io.confluent.kafka.server/received_bytes: ${UNMODELLED}`,
  ],
  [
    'two aggregations',
    { aggregations: [{ metric: 'a' }, { metric: 'b' }] },
    'aggregations must hold exactly one aggregation',
  ],
  [
    'another aggregation function',
    { aggregations: [{ metric: 'io.confluent.kafka.server/partition_count', agg: 'MAX' }] },
    'Unsupported aggregation MAX for io.confluent.kafka.server/partition_count',
  ],
  [
    'another grouping',
    { group_by: ['metric.topic'] },
    `Unsupported group_by ["metric.topic"]: ${UNMODELLED}`,
  ],
  ['no grouping', { group_by: undefined }, `Unsupported group_by []: ${UNMODELLED}`],
  [
    'a bad granularity',
    { granularity: 'PT2M' },
    'granularity must be one of PT1M, PT5M, PT15M, PT30M, PT1H, PT4H, PT6H, PT12H, P1D, ALL',
  ],
  ['no interval', { intervals: [] }, 'intervals must hold at least one interval'],
  ['a bad interval', { intervals: ['soon'] }, 'Invalid interval: soon'],
  [
    'an interval too long for PT1M',
    { intervals: ['PT7H/now'] },
    'Interval PT7H/now is too long for granularity PT1M',
  ],
  ['a limit over 1000', { limit: 1001 }, 'limit must be an integer from 1 to 1000'],
  ['another format', { format: 'CSV' }, 'format must be FLAT or GROUPED'],
  [
    'a filter on another label',
    { filter: { field: 'metric.topic', op: 'EQ', value: 'x' } },
    'Unsupported filter: the simulator filters only on resource.kafka.id with EQ and OR',
  ],
] as const) {
  test(`a query the simulator refuses: ${name}`, () => {
    const body = Array.isArray(change) ? change : { ...PLANNER_QUERY, ...change };
    assert.is(parseQueryBody(body, NOW), detail);
  });
}

test.run();
