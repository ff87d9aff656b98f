import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { documentToResources } from '../../../src/audit/document-resources.js';
import { parseInfoDocument } from '../../../src/audit/info-document.js';
import { isAppError } from '../../../src/errors.js';

const HEAD = [
  '# HELP confluent_resource_info Labels of a Confluent Cloud resource (from confluent-sd), to join on its id label.',
  '# TYPE confluent_resource_info gauge',
];
const KAFKA =
  'confluent_resource_info{confluent_cluster_name="orders \\"prod\\"\\nEU \\\\ 1",confluent_resource_id="lkc-1",confluent_resource_type="kafka",kafka_id="lkc-1"} 1';
const CONNECTOR =
  'confluent_resource_info{confluent_cluster_id="lkc-1",confluent_resource_type="connector",connector_id="lcc-1"} 1';

test('parseInfoDocument: one series per resource, labels without the prefix and without the join label', () => {
  const series = parseInfoDocument(
    `${[...HEAD, KAFKA, CONNECTOR].join('\n')}\n`,
    'confluent_',
    'x.info.prom',
  );
  assert.equal(
    [...series],
    [
      [
        'kafka lkc-1',
        {
          type: 'kafka',
          id: 'lkc-1',
          labels: { cluster_name: 'orders "prod"\nEU \\ 1', resource_id: 'lkc-1', resource_type: 'kafka' },
          line: 3,
        },
      ],
      [
        'connector lcc-1',
        {
          type: 'connector',
          id: 'lcc-1',
          labels: { cluster_id: 'lkc-1', resource_type: 'connector' },
          line: 4,
        },
      ],
    ],
  );
  assert.equal([...parseInfoDocument(`${HEAD.join('\n')}\n`, '', 'x')], []);
});

const where = 'file:/b/snapshots/20250101T000000Z/doc.info.prom';

test('parseInfoDocument: a line that is not what the publisher writes is MANIFEST_INVALID naming file and line', () => {
  const series = (labels: string, value = '1') => `confluent_resource_info{${labels}} ${value}`;
  const ok = 'confluent_resource_type="kafka",kafka_id="lkc-1"';
  const cases: [string, string, string][] = [
    ['another metric', 'up{job="x"} 1', 'line 3: not a confluent_resource_info series'],
    ['no labels at all', 'confluent_resource_info 1', 'line 3: not a confluent_resource_info series'],
    ['a value other than 1', series(ok, '0'), 'line 3: the value must be 1, got "0"'],
    ['a timestamp', series(ok, '1 1700000000'), 'line 3: the value must be 1, got "1 1700000000"'],
    ['a bad label name', series(`9x="a",${ok}`), 'line 3: a label name expected at column 25'],
    ['a value without quotes', series(`a=b,${ok}`), 'line 3: a: ="…" expected at column 26'],
    ['an unknown escape', series(`a="\\t",${ok}`), 'line 3: bad escape at column 28'],
    [
      'an unterminated value',
      'confluent_resource_info{a="b',
      'line 3: a label value without its closing quote',
    ],
    ['no separator', series(`a="b" ${ok}`), 'line 3: "," or "}" expected at column 30'],
    ['a label twice', series(`${ok},kafka_id="lkc-2"`), 'line 3: label kafka_id given twice'],
    ['no type label', series('kafka_id="lkc-1"'), 'line 3: no confluent_resource_type label'],
    ['no id label', series('confluent_resource_type="kafka",ksql_id="x"'), 'line 3: no kafka_id label'],
    ['two series of one resource', `${series(ok)}\n${series(ok)}`, 'line 4: a second series for kafka lkc-1'],
  ];
  for (const [name, line, want] of cases) {
    try {
      parseInfoDocument(`${HEAD.join('\n')}\n${line}\n`, 'confluent_', where);
      assert.unreachable(name);
    } catch (err) {
      assert.ok(isAppError(err, 'MANIFEST_INVALID'), name);
      assert.ok(
        (err as Error).message.startsWith(`read ${where}: ${want}`),
        `${name}: ${(err as Error).message}`,
      );
    }
  }
});

test('documentToResources: the document and its info document must name the same resources', () => {
  const doc = JSON.stringify([
    {
      targets: ['t'],
      labels: { __param_resource_kafka_id: 'lkc-1,lkc-2', instance: 'plan-0' },
    },
  ]);
  const info = (ids: string[]) =>
    `${ids.map((id) => `confluent_resource_info{resource_type="kafka",kafka_id="${id}"} 1`).join('\n')}\n`;
  const cases: [string, string[], string][] = [
    ['a resource without a series', ['lkc-1'], `read ${where}: no series for kafka lkc-2 of the document`],
    [
      'a series of a resource in no group',
      ['lkc-1', 'lkc-2', 'lkc-3'],
      `read ${where}: line 3: kafka lkc-3 is in no target group of the document`,
    ],
  ];
  for (const [name, ids, want] of cases) {
    try {
      documentToResources(doc, { prefix: '', groupBy: 'plan' }, 'doc.json', { body: info(ids), where });
      assert.unreachable(name);
    } catch (err) {
      assert.ok(isAppError(err, 'MANIFEST_INVALID'), name);
      assert.is((err as Error).message, want, name);
    }
  }
  const read = documentToResources(doc, { prefix: '', groupBy: 'plan' }, 'doc.json', {
    body: info(['lkc-2', 'lkc-1']),
    where,
  });
  assert.equal(
    [...read.resources.values()],
    [
      { type: 'kafka', id: 'lkc-1', labels: { resource_type: 'kafka' } },
      { type: 'kafka', id: 'lkc-2', labels: { resource_type: 'kafka' } },
    ],
  );
});

test.run();
