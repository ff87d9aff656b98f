import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkSdDocument } from '../../../src/render/validate.js';

const T = '"targets":["api.example"]';

// [name, body, legacyLabelNames, problems]
const cases: [string, string, boolean, string[]][] = [
  ['empty document', '[]', true, []],
  ['a good group', `[{${T},"labels":{"__param_resource_kafka_id":"lkc-1","instance":"lkc-1"}}]`, true, []],
  ['labels may be left out', `[{${T}}]`, true, []],
  [
    'dotted name with UTF-8 names (Prometheus 3)',
    `[{${T},"labels":{"__param_resource.kafka.id":"lkc-1"}}]`,
    false,
    [],
  ],
  [
    'same target, different instance',
    `[{${T},"labels":{"instance":"a"}},{${T},"labels":{"instance":"b"}}]`,
    true,
    [],
  ],
  [
    'two targets in one group',
    '[{"targets":["a.example","b.example:9090"],"labels":{"instance":"x"}}]',
    true,
    [],
  ],
  ['not JSON', '[{', true, ["document is not JSON: Expected property name or '}' in JSON at position 2"]],
  ['not an array', '{"targets":[]}', true, ['document must be a JSON array of target groups']],
  [
    'extra key "params"',
    `[{${T},"labels":{},"params":{"resource.kafka.id":["lkc-1"]}}]`,
    true,
    ['group 0: unknown key "params"'],
  ],
  [
    'dotted label name in legacy mode',
    `[{${T},"labels":{"__param_resource.kafka.id":"lkc-1"}}]`,
    true,
    ['group 0: "__param_resource.kafka.id" is not a valid label name'],
  ],
  [
    'empty label name in UTF-8 mode',
    `[{${T},"labels":{"":"x"}}]`,
    false,
    ['group 0: "" is not a valid label name'],
  ],
  [
    'number value',
    `[{${T},"labels":{"port":9092}}]`,
    true,
    ['group 0: label "port" must have a string value'],
  ],
  [
    'lone surrogate in a value',
    `[{${T},"labels":{"name":"\\ud800"}}]`,
    true,
    ['group 0: label "name" is not valid UTF-8'],
  ],
  ['null item', `[{${T}},null]`, true, ['group 1: null item (Prometheus: nil target group item found)']],
  ['an array item', '[["api.example"]]', true, ['group 0: must be an object with "targets" and "labels"']],
  ['null labels', `[{${T},"labels":null}]`, true, ['group 0: "labels" must be an object of strings']],
  [
    'target with "/"',
    '[{"targets":["api.example/v2/metrics"],"labels":{}}]',
    true,
    ['group 0: target "api.example/v2/metrics" must be host[:port] without "/"'],
  ],
  [
    'target with a scheme',
    '[{"targets":["https://api.example"]}]',
    true,
    ['group 0: target "https://api.example" must be host[:port] without "/"'],
  ],
  [
    'no targets',
    '[{"targets":[],"labels":{}}]',
    true,
    ['group 0: "targets" must be a non-empty array of strings'],
  ],
  [
    'a number target',
    '[{"targets":["a.example",7]}]',
    true,
    ['group 0: target 1 must be a non-empty string'],
  ],
  [
    'same instance for two params',
    `[{${T},"labels":{"__param_resource_kafka_id":"lkc-1","instance":"x"}},{${T},"labels":{"__param_resource_kafka_id":"lkc-2","instance":"x"}}]`,
    true,
    [
      'group 1: target "api.example" has the same instance and public labels as in group 0 (their series would merge)',
    ],
  ],
  [
    'no instance: both default to the address',
    `[{${T},"labels":{"__param_resource_kafka_id":"lkc-1"}},{${T},"labels":{"__param_resource_kafka_id":"lkc-2"}}]`,
    true,
    [
      'group 1: target "api.example" has the same instance and public labels as in group 0 (their series would merge)',
    ],
  ],
  [
    'every problem at once',
    `[null,{"targets":["a/b"],"labels":{"a.b":1},"params":{}}]`,
    true,
    [
      'group 0: null item (Prometheus: nil target group item found)',
      'group 1: unknown key "params"',
      'group 1: "a.b" is not a valid label name',
      'group 1: label "a.b" must have a string value',
      'group 1: target "a/b" must be host[:port] without "/"',
    ],
  ],
  [
    'our one-group-per-line layout is checked line by line',
    `[\n{${T},"labels":{"a.b":"x"}},\n{${T},"params":{},"labels":{"instance":"i"}}\n]\n`,
    true,
    ['group 0: "a.b" is not a valid label name', 'group 1: unknown key "params"'],
  ],
  [
    'a broken line in our layout is reported like a broken document',
    `[\n{${T},"labels":{"instance":"a"}},\n{${T},"labels":{"instance":\n]\n`,
    true,
    [
      `document is not JSON: ${(() => {
        try {
          JSON.parse(`[\n{${T},"labels":{"instance":"a"}},\n{${T},"labels":{"instance":\n]\n`);
        } catch (e) {
          return (e as Error).message;
        }
        return '';
      })()}`,
    ],
  ],
  ['an empty document in our layout', '[]\n', true, []],
];

for (const [name, body, legacyLabelNames, problems] of cases) {
  test(name, () => {
    assert.equal(checkSdDocument(body, { legacyLabelNames }), problems);
  });
}

test.run();
