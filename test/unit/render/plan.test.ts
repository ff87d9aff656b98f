import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ladderAbove, maxPointsPerType, type PlannedResource, planGroups } from '../../../src/render/plan.js';
import { urlBytesOf } from '../../../src/render/plan-group.js';
import { budgetsFrom, METRICS_LIMITS, type PlanSettings } from '../../../src/render/plan-settings.js';

const PATH = '/v2/metrics/cloud/export';

function settings(over: Partial<PlanSettings> = {}): PlanSettings {
  return {
    ...budgetsFrom(METRICS_LIMITS['2026'], 0.2),
    maxUrlBytes: 2048,
    intervalSeconds: 60,
    scrapers: 2,
    overflow: 'interval',
    ...over,
  };
}

/** A seeded organisation: `kafka` clusters (a few very large), `connectors` connectors. */
function org(kafka: number, connectors: number, seed = 1): PlannedResource[] {
  let x = seed;
  const rnd = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x / 2 ** 32;
  };
  const out: PlannedResource[] = [];
  const add = (type: string, id: string, points: number) =>
    out.push({ type, id, points, order: out.length, metricsPath: PATH, param: `resource_${type}_id` });
  for (let i = 0; i < kafka; i++) {
    const big = rnd() < 0.01;
    add(
      'kafka',
      `lkc-${(100000 + i).toString(36)}`,
      big ? 20_000 + Math.floor(rnd() * 20_000) : 10 + Math.floor(rnd() * 900),
    );
  }
  for (let i = 0; i < connectors; i++) add('connector', `lcc-${(200000 + i).toString(36)}`, 1);
  return out;
}

test('a small organisation keeps one group per resource', () => {
  const resources = org(20, 40);
  const plan = planGroups(resources, settings());
  assert.equal(
    plan.groups.map((g) => g.key),
    resources.map((r) => r.id),
  );
  assert.is(plan.figures.degraded, 'none');
  assert.is(plan.figures.requestsPerMinute, 60);
});

test('a large organisation is packed within budget, cap and URL length, near the lower bound', () => {
  const resources = org(2000, 10_000);
  const s = settings();
  const plan = planGroups(resources, s);
  assert.ok(plan.figures.requestsPerMinute <= s.requestsPerMinute, JSON.stringify(plan.figures));
  for (const g of plan.groups) {
    assert.ok(maxPointsPerType(g.members) <= s.pointsPerMetric || g.members.length === 1, g.key);
    assert.ok(urlBytesOf(g.members) <= s.maxUrlBytes || g.members.length === 1, g.key);
  }
  const all = plan.groups.flatMap((g) => g.members.map((m) => m.id)).sort();
  assert.equal(all, resources.map((r) => r.id).sort());
  assert.ok(plan.figures.groups <= 1.5 * plan.figures.lowerBound, JSON.stringify(plan.figures));
  assert.is(plan.figures.degraded, 'none');
});

test('a new cluster moves only the bucket it lands in', () => {
  const before = planGroups(org(2000, 10_000), settings());
  const resources = org(2000, 10_000);
  resources.push({
    type: 'kafka',
    id: 'lkc-new1',
    points: 50,
    order: resources.length,
    metricsPath: PATH,
    param: 'resource_kafka_id',
  });
  const after = planGroups(resources, settings());
  const key = (g: { key: string; members: PlannedResource[] }) =>
    `${g.key}:${g.members.map((m) => m.id).join(',')}`;
  const old = new Set(before.groups.map(key));
  const changed = after.groups.filter((g) => !old.has(key(g)));
  assert.ok(changed.length <= 2, `${changed.length} groups changed`);
});

test('over budget: interval degrades the least important groups, shard spreads them; never silently over', () => {
  const resources = org(2000, 10_000);
  const tight = settings({ requestsPerMinute: 20 });
  const slow = planGroups(resources, tight);
  assert.is(slow.figures.degraded, 'interval');
  assert.ok(slow.figures.requestsPerMinute <= 20, JSON.stringify(slow.figures));
  assert.ok(slow.groups.some((g) => g.intervalSeconds !== undefined));
  const sharded = planGroups(resources, { ...tight, overflow: 'shard' });
  assert.is(sharded.figures.degraded, 'shard');
  assert.ok(sharded.figures.shards > 1);
  assert.ok(sharded.figures.requestsPerMinute <= 20, JSON.stringify(sharded.figures));
});

test('the 2025 per-resource budget lengthens every interval for an HA pair', () => {
  const s = { ...settings(), ...budgetsFrom(METRICS_LIMITS['2025'], 0.2) };
  const plan = planGroups(org(5, 5), s);
  assert.is(plan.figures.degraded, 'interval');
  assert.ok(plan.groups.every((g) => g.intervalSeconds === 120));
  assert.ok(plan.figures.requestsPerResourceHour <= s.requestsPerResourceHour);
});

test('the bucket ladder grows by about a quarter', () => {
  assert.equal([1, 2, 5, 10, 40, 100].map(ladderAbove), [1, 2, 5, 10, 40, 100].map(ladderAbove));
  assert.equal(ladderAbove(1), 1);
  assert.ok(ladderAbove(100) >= 100 && ladderAbove(100) <= 125);
});

test('SD_GROUP_BY=plan renders a small organisation exactly as SD_GROUP_BY=resource', async () => {
  const { renderDocument } = await import('../../../src/render/render.js');
  const { buildRenderInventory, DEFAULT_PLAN, RENDER_VARIANTS } = await import(
    '../../helpers/render-inventory.js'
  );
  for (const v of RENDER_VARIANTS.filter((x) => x.options.groupBy === 'resource')) {
    const byResource = renderDocument(buildRenderInventory(), v.combination, v.options);
    const byPlan = renderDocument(buildRenderInventory(), v.combination, {
      ...v.options,
      groupBy: 'plan',
      plan: DEFAULT_PLAN,
    });
    assert.is(byPlan.body, byResource.body, v.golden);
    assert.is(byPlan.plan?.groups, byResource.groups);
  }
});

test.run();
