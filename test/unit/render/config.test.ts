/** SD_PREFIXES: a prefix must end with "_", or its labels run into the label names (`confluentcloud_provider`). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadNamedParts } from '../../helpers/config.js';

test('SD_PREFIXES: empty and "<word>_" prefixes are taken as they are', () => {
  const cases: [string, string[]][] = [
    [',confluent_', ['', 'confluent_']],
    ['cc_', ['cc_']],
    ['_', ['_']],
    [' confluent_ , cc_ ', ['confluent_', 'cc_']],
  ];
  for (const [text, want] of cases)
    assert.equal(
      loadNamedParts({ SD_PREFIXES: text }, ['render']).render.combinations.map((c) => c.prefix),
      want,
      text,
    );
});

test('SD_PREFIXES: a prefix without its trailing "_" is CONFIG_INVALID, naming the prefix to use', () => {
  assert.throws(
    () => loadNamedParts({ SD_PREFIXES: ',confluent,cc' }, ['render']),
    (err: Error & { code?: string }) =>
      err.code === 'CONFIG_INVALID' &&
      err.message.includes(
        'SD_PREFIXES: prefix "confluent" must end with "_" (its labels would read "confluentcloud_provider"); use "confluent_"',
      ) &&
      err.message.includes('SD_PREFIXES: prefix "cc" must end with "_"'),
  );
});

test.run();
