/**
 * Custom connectors are their own type: exported from the `cloud-custom` dataset with `resource.custom_connector.id`
 * (reference §7.2, §12), labelled like connectors. No grouping ever puts two metrics paths in one target group.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Inventory, Resource } from '../../../src/discovery/resource.js';
import { type PlannedResource, planGroups } from '../../../src/render/plan.js';
import { renderDocument } from '../../../src/render/render.js';
import { DEFAULT_PLAN, TELEMETRY } from '../../helpers/render-inventory.js';

const CUSTOM_PATH = '/v2/metrics/cloud-custom/export';
const CLOUD_PATH = '/v2/metrics/cloud/export';

const env = { id: 'env-1', name: 'prod' };
const kafka: Resource = { type: 'kafka', id: 'lkc-1', name: 'orders', environmentId: 'env-1', cloud: 'aws' };
const custom: Resource = {
  type: 'custom_connector',
  id: 'clcc-gkzo3r',
  name: 'datagen-plugin-name_2',
  environmentId: 'env-1',
  cloud: 'aws',
  region: 'us-east-2',
  kafkaClusterId: 'lkc-1',
};

function inventory(resources: Resource[]): Inventory {
  return { environments: [env], resources, exportedTypes: [] };
}

test('a custom connector: the cloud-custom path, its own parameter, labels as for connectors', () => {
  const doc = renderDocument(
    inventory([custom, kafka]),
    { targets: [TELEMETRY], prefix: 'confluent_' },
    { paramStyle: 'underscore', groupBy: 'resource', batchSize: 50 },
  );
  const groups = JSON.parse(doc.body) as { labels: Record<string, string> }[];
  assert.equal(groups[1]?.labels, {
    __metrics_path__: CUSTOM_PATH,
    __param_resource_custom_connector_id: 'clcc-gkzo3r',
    confluent_cloud_provider: 'aws',
    confluent_cluster_id: 'lkc-1',
    confluent_connector_name: 'datagen-plugin-name_2',
    confluent_environment_id: 'env-1',
    confluent_environment_name: 'prod',
    confluent_region: 'us-east-2',
    confluent_resource_id: 'clcc-gkzo3r',
    confluent_resource_type: 'custom_connector',
    instance: 'clcc-gkzo3r',
  });
  assert.is(groups[0]?.labels.__metrics_path__, CLOUD_PATH);
  assert.match(doc.info.body, /\nconfluent_resource_info\{.*custom_connector_id="clcc-gkzo3r".*\} 1\n/);
  assert.match(doc.info.body, /confluent_resource_type="custom_connector"/);
});

test('grouping by environment: the custom connectors get their own group on their path', () => {
  const doc = renderDocument(
    inventory([kafka, custom, { ...custom, id: 'clcc-2', name: 'b' }]),
    { targets: [TELEMETRY], prefix: '' },
    { paramStyle: 'dotted', groupBy: 'environment', batchSize: 50 },
  );
  const groups = JSON.parse(doc.body) as { labels: Record<string, string> }[];
  assert.equal(
    groups.map((g) => [
      g.labels.__metrics_path__,
      g.labels.instance,
      g.labels['__param_resource.custom_connector.id'],
    ]),
    [
      [CLOUD_PATH, 'env-1/kafka/1', undefined],
      [CUSTOM_PATH, 'env-1/custom_connector/1', 'clcc-2,clcc-gkzo3r'],
    ],
  );
});

/** Many connectors and custom connectors, more than one Prometheus may scrape one by one. */
function mixed(connectors: number, customs: number): PlannedResource[] {
  const out: PlannedResource[] = [];
  const add = (type: string, id: string, metricsPath: string, dataset: string) =>
    out.push({ type, id, points: 1, order: out.length, metricsPath, param: `resource_${type}_id`, dataset });
  for (let i = 0; i < connectors; i++)
    add('connector', `lcc-${(300000 + i).toString(36)}`, CLOUD_PATH, 'cloud');
  for (let i = 0; i < customs; i++)
    add('custom_connector', `clcc-${(400000 + i).toString(36)}`, CUSTOM_PATH, 'cloud-custom');
  return out;
}

test('the plan packs per metrics path: no group mixes two, keys stay unique', () => {
  const resources = mixed(3000, 900);
  const plan = planGroups(resources, DEFAULT_PLAN);
  assert.ok(plan.groups.length < resources.length, 'packed');
  const keys = plan.groups.map((g) => g.key);
  assert.is(new Set(keys).size, keys.length, 'unique keys');
  for (const g of plan.groups) {
    const paths = new Set(g.members.map((m) => m.metricsPath));
    assert.is(paths.size, 1, `${g.key}: ${[...paths].join(' ')}`);
    const custom = g.members[0]?.metricsPath === CUSTOM_PATH;
    if (g.members.length > 1)
      assert.match(g.key, custom ? /^plan-cloud-custom-\d+(-\d+)?$/ : /^plan-\d+(-\d+)?$/);
  }
  const firstCustom = plan.groups.findIndex((g) => g.members[0]?.metricsPath === CUSTOM_PATH);
  assert.ok(firstCustom > 0, 'the cloud groups come first');
  assert.ok(plan.groups.slice(firstCustom).every((g) => g.members[0]?.metricsPath === CUSTOM_PATH));
  const all = plan.groups.flatMap((g) => g.members.map((m) => m.id)).sort();
  assert.equal(all, resources.map((r) => r.id).sort());
  // each path needs its own groups: the bound counts both
  assert.ok(plan.figures.lowerBound >= 2, JSON.stringify(plan.figures));
});

test('a packed document: every group names one path and only parameters of its types', () => {
  const resources: Resource[] = [];
  for (let i = 0; i < 400; i++)
    resources.push({ ...custom, id: `clcc-${(500000 + i).toString(36)}`, name: `c${i}` });
  for (let i = 0; i < 400; i++)
    resources.push({ ...custom, type: 'connector', id: `lcc-${(600000 + i).toString(36)}`, name: `m${i}` });
  const doc = renderDocument(
    inventory(resources),
    { targets: [TELEMETRY], prefix: 'confluent_' },
    { paramStyle: 'underscore', groupBy: 'plan', batchSize: 50, plan: DEFAULT_PLAN },
  );
  const groups = JSON.parse(doc.body) as { labels: Record<string, string> }[];
  assert.ok(groups.length < 800, `${groups.length} groups`);
  for (const { labels } of groups) {
    const params = Object.keys(labels).filter((n) => n.startsWith('__param_'));
    const want =
      labels.__metrics_path__ === CUSTOM_PATH
        ? ['__param_resource_custom_connector_id']
        : ['__param_resource_connector_id'];
    assert.equal(params, want, labels.instance);
  }
});

test.run();
