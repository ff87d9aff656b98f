import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadNamedParts } from '../../helpers/config.js';

test('SD_RESOURCE_TYPES: unset is "as the Metrics API says"; a list is taken in type order', () => {
  const cases: [string | undefined, unknown][] = [
    [undefined, {}],
    ['', {}],
    [' , ', {}],
    ['kafka', { resourceTypes: ['kafka'] }],
    ['connector, kafka,compute_pool', { resourceTypes: ['kafka', 'compute_pool', 'connector'] }],
    ['custom_connector,kafka,kafka', { resourceTypes: ['kafka', 'custom_connector'] }],
  ];
  for (const [text, want] of cases) {
    const env = text === undefined ? {} : { SD_RESOURCE_TYPES: text };
    assert.equal(loadNamedParts(env, ['discovery']).discovery, want, String(text));
  }
});

test('SD_RESOURCE_TYPES: an unknown type is CONFIG_INVALID naming it and the known ones', () => {
  assert.throws(
    () => loadNamedParts({ SD_RESOURCE_TYPES: 'kafka,flink_statement,Kafka' }, ['discovery']),
    (err: Error) =>
      err.message.includes(
        'SD_RESOURCE_TYPES names unknown resource types "flink_statement", "Kafka"; known: kafka, schema_registry, ksql, compute_pool, connector, custom_connector',
      ),
  );
});

test.run();
