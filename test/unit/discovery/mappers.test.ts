import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  computePoolToResource,
  connectorToResource,
  environmentRecordToEnvironment,
  kafkaClusterToResource,
  ksqlClusterToResource,
  schemaRegistryToResource,
} from '../../../src/discovery/mappers.js';
import type { Resource } from '../../../src/discovery/resource.js';

const env = { id: 'env-a1b2c3', name: 'production' };
const kafka: Resource = {
  type: 'kafka',
  id: 'lkc-7x9k2m',
  name: 'orders-prod',
  environmentId: 'env-a1b2c3',
  environmentName: 'production',
  cloud: 'aws',
  region: 'us-east-1',
};

const cases: [string, () => unknown, unknown][] = [
  [
    'environment with name',
    () => environmentRecordToEnvironment({ id: 'env-1', display_name: 'prod' }),
    { id: 'env-1', name: 'prod' },
  ],
  [
    'environment without name',
    () => environmentRecordToEnvironment({ id: 'env-1', display_name: '' }),
    { id: 'env-1' },
  ],
  [
    'environment with a CRN: its organisation id',
    () =>
      environmentRecordToEnvironment({
        id: 'env-1',
        display_name: 'prod',
        metadata: {
          resource_name:
            'crn://confluent.cloud/organization=b0b21724-4586-4a07-b787-d0bb5aacbf87/environment=env-1',
        },
      }),
    { id: 'env-1', name: 'prod', organizationId: 'b0b21724-4586-4a07-b787-d0bb5aacbf87' },
  ],
  [
    'environment with a CRN of another shape: no organisation id',
    () => environmentRecordToEnvironment({ id: 'env-1', metadata: { resource_name: 'crn://elsewhere/x=1' } }),
    { id: 'env-1' },
  ],
  [
    'kafka cluster, cloud lower-cased',
    () =>
      kafkaClusterToResource(
        {
          id: 'lkc-7x9k2m',
          spec: {
            display_name: 'orders-prod',
            cloud: 'AWS',
            region: 'us-east-1',
            environment: { id: 'env-a1b2c3' },
          },
        },
        env,
      ),
    kafka,
  ],
  [
    'dedicated kafka cluster: kind and CKUs as sent (not labels, sizes)',
    () =>
      kafkaClusterToResource(
        {
          id: 'lkc-7x9k2m',
          spec: {
            display_name: 'orders-prod',
            cloud: 'AWS',
            region: 'us-east-1',
            config: { kind: 'Dedicated', cku: 2, zones: ['use1-az1'] },
          },
        },
        env,
      ),
    { ...kafka, kafkaKind: 'Dedicated', cku: 2 },
  ],
  [
    'kafka cluster of a kind without CKUs',
    () => kafkaClusterToResource({ id: 'lkc-1', spec: { config: { kind: 'Standard' } } }, { id: 'env-1' }),
    { type: 'kafka', id: 'lkc-1', environmentId: 'env-1', kafkaKind: 'Standard' },
  ],
  [
    'kafka cluster with a blank kind has none',
    () => kafkaClusterToResource({ id: 'lkc-1', spec: { config: { kind: ' ' } } }, { id: 'env-1' }),
    { type: 'kafka', id: 'lkc-1', environmentId: 'env-1' },
  ],
  [
    'kafka cluster without spec fields',
    () => kafkaClusterToResource({ id: 'lkc-1', spec: {} }, { id: 'env-1' }),
    { type: 'kafka', id: 'lkc-1', environmentId: 'env-1' },
  ],
  [
    'schema registry',
    () =>
      schemaRegistryToResource(
        {
          id: 'lsrc-1',
          spec: { display_name: 'Stream Governance Package', cloud: 'GCP', region: 'us-central1' },
        },
        env,
      ),
    {
      type: 'schema_registry',
      id: 'lsrc-1',
      name: 'Stream Governance Package',
      environmentId: 'env-a1b2c3',
      environmentName: 'production',
      cloud: 'gcp',
      region: 'us-central1',
    },
  ],
  [
    'compute pool',
    () =>
      computePoolToResource(
        { id: 'lfcp-1', spec: { display_name: 'fraud', cloud: 'AZURE', region: 'eastus' } },
        env,
      ),
    {
      type: 'compute_pool',
      id: 'lfcp-1',
      name: 'fraud',
      environmentId: 'env-a1b2c3',
      environmentName: 'production',
      cloud: 'azure',
      region: 'eastus',
    },
  ],
  [
    'ksql takes cloud and region from its kafka cluster',
    () =>
      ksqlClusterToResource(
        { id: 'lksqlc-1', spec: { display_name: 'enrich', kafka_cluster: { id: 'lkc-7x9k2m' } } },
        env,
        new Map([[kafka.id, kafka]]),
      ),
    {
      type: 'ksql',
      id: 'lksqlc-1',
      name: 'enrich',
      environmentId: 'env-a1b2c3',
      environmentName: 'production',
      cloud: 'aws',
      region: 'us-east-1',
      kafkaClusterId: 'lkc-7x9k2m',
    },
  ],
  [
    'ksql whose kafka cluster is unknown has no cloud or region',
    () =>
      ksqlClusterToResource({ id: 'lksqlc-2', spec: { kafka_cluster: { id: 'lkc-gone' } } }, env, new Map()),
    {
      type: 'ksql',
      id: 'lksqlc-2',
      environmentId: 'env-a1b2c3',
      environmentName: 'production',
      kafkaClusterId: 'lkc-gone',
    },
  ],
  [
    'connector uses its lcc id, never its name',
    () =>
      connectorToResource(
        {
          name: 'orders-s3-sink',
          id: { id: 'lcc-1a2b3c', id_type: 'ID' },
          info: { name: 'orders-s3-sink', config: {} },
        },
        env,
        kafka,
      ),
    {
      type: 'connector',
      id: 'lcc-1a2b3c',
      name: 'orders-s3-sink',
      environmentId: 'env-a1b2c3',
      environmentName: 'production',
      cloud: 'aws',
      region: 'us-east-1',
      kafkaClusterId: 'lkc-7x9k2m',
    },
  ],
  [
    'connector falls back to its config for cloud and region',
    () =>
      connectorToResource(
        {
          name: 'x "quoted" ünïcode\nline',
          id: { id: 'lcc-2' },
          info: { config: { 'cloud.provider': 'GCP', 'kafka.region': 'europe-west1' } },
        },
        env,
        { type: 'kafka', id: 'lkc-9', environmentId: env.id },
      ),
    {
      type: 'connector',
      id: 'lcc-2',
      name: 'x "quoted" ünïcode\nline',
      environmentId: 'env-a1b2c3',
      environmentName: 'production',
      cloud: 'gcp',
      region: 'europe-west1',
      kafkaClusterId: 'lkc-9',
    },
  ],
];

for (const [name, given, want] of cases) {
  test(name, () => {
    assert.equal(given(), want);
  });
}

test.run();
