/** The simulator's permanent refusals and deletions between listings: their settings and answers. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseSimulateFlags } from '../../../src/simulator/command.js';
import { deleteListed, refusalOf } from '../../../src/simulator/listing-refusals.js';
import { generateOrg } from '../../../src/simulator/org-generator.js';
import { OrgStore } from '../../../src/simulator/org-store.js';
import { RuntimeSettings, readRuntimeConfig } from '../../../src/simulator/sim-config.js';

test('settings: checked like the others, every problem named', () => {
  assert.equal(
    readRuntimeConfig({
      schemaRegistryUnavailable: true,
      forbiddenEnvironments: ['env-1'],
      deleteAfterListing: ['lkc-1', 'env-2'],
      resourceDescriptors: 2022,
    }),
    {
      values: {
        schemaRegistryUnavailable: true,
        forbiddenEnvironments: ['env-1'],
        deleteAfterListing: ['lkc-1', 'env-2'],
        resourceDescriptors: '2022',
      },
      problems: [],
    },
  );
  assert.equal(
    readRuntimeConfig({
      schemaRegistryUnavailable: 'yes',
      forbiddenEnvironments: 'env-1',
      deleteAfterListing: [''],
      resourceDescriptors: '2019',
    }).problems,
    [
      'schemaRegistryUnavailable must be true or false',
      'forbiddenEnvironments must be a list of ids',
      'deleteAfterListing must be a list of ids',
      'resourceDescriptors must be one of current, 2022',
    ],
  );
  assert.equal(parseSimulateFlags(['--schema-registry-unavailable', '--resource-descriptors', '2022']), {
    schemaRegistryUnavailable: true,
    resourceDescriptors: '2022',
    port: 8090,
  });
});

test('refusals: Government for the Schema Registry list, Forbidden Access in a refused environment', () => {
  const settings = new RuntimeSettings();
  assert.is(refusalOf(settings, 'srcm', 'env-1'), undefined);
  settings.update({ schemaRegistryUnavailable: true, forbiddenEnvironments: ['env-2'] });
  const gov = refusalOf(settings, 'srcm', 'env-1');
  const body = JSON.parse(gov?.body ?? '{}') as { errors: Record<string, unknown>[] };
  assert.is(gov?.status, 403);
  assert.equal(Object.keys(body.errors[0] ?? {}), ['id', 'status', 'detail', 'source']);
  assert.match(
    String(body.errors[0]?.detail),
    /^This service is not available in Confluent Cloud for Government\./,
  );
  assert.is(refusalOf(settings, 'cmk', 'env-1'), undefined, 'only the Schema Registry list');
  assert.equal(JSON.parse(refusalOf(settings, 'connect', 'env-2')?.body ?? ''), {
    error: { code: 403, message: 'Forbidden Access' },
  });
  assert.is(refusalOf(settings, 'fcpm', 'env-2')?.status, 403);
});

test('deleteAfterListing: a listed id is deleted once and forgotten, others stay', () => {
  const store = new OrgStore(generateOrg(7), () => 0);
  const settings = new RuntimeSettings();
  const cluster = store.org.environments[0]!.kafkaClusters[0]!;
  settings.update({ deleteAfterListing: [cluster.id, 'lkc-notyet'] });
  deleteListed(store, settings, ['lkc-other']);
  assert.ok(store.find(cluster.id));
  deleteListed(store, settings, [cluster.id, 'lkc-other']);
  assert.is(store.find(cluster.id), undefined);
  assert.equal(settings.value.deleteAfterListing, ['lkc-notyet']);
});

test.run();
