/**
 * The scrape plan against the Metrics API's 2026 limits. For the organisations of publish.ts (seed 42; small,
 * medium, large = 5, 50, 200 environments): discovery and render in-process with the CLI's defaults (2026 limits,
 * 20 % margin, SD_SCRAPERS=2) for each of SD_GROUP_BY=resource, environment and plan; the document's figures
 * (groups, requests per minute per Prometheus, the largest group's points against the cap, the lower bound), then a
 * replay of N simulated minutes of two scrapers against the simulator under `metricsLimits: '2026'`
 * (test/helpers/scrape-replay.ts): 429s, truncated responses, and the share of resources whose series all came at
 * every scrape. Prints Markdown; a figure never fails it (exit 1 only when discovery, render or the replay fails).
 *
 *   node --import tsx test/bench/scrape-plan.ts [--sizes small,medium,large] [--minutes 3] [--time-scale 60]
 *                                               [--concurrency 16]
 */
import { parseArgs } from 'node:util';
import type { GroupBy } from '../../src/bucket/manifest.js';
import { loadParts } from '../../src/config/load.js';
import { createConfigVars } from '../../src/config/vars.js';
import { DATASET_OF, type Inventory } from '../../src/discovery/resource.js';
import { type RenderConfig, renderPart } from '../../src/render/config.js';
import type { PlanFigures } from '../../src/render/plan.js';
import { pointsOf } from '../../src/render/plan-groups.js';
import { METRICS_LIMITS, type PlanSettings } from '../../src/render/plan-settings.js';
import { DEFAULT_CUSTOM_METRICS_PATH, DEFAULT_METRICS_PATH, renderAll } from '../../src/render/render.js';
import type { OrgSizes } from '../../src/simulator/org.js';
import { startSimulator } from '../../src/simulator/server.js';
import {
  createSimClock,
  idsOf,
  intervalMinutesOf,
  nextHourOf,
  type ReplayDeps,
  type ReplayFigures,
  replayScrapes,
  SCRAPERS,
  scrapePath,
  type TargetGroup,
} from '../helpers/scrape-replay.js';
import { discoverSimulator } from '../helpers/test-client.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: 'small,medium,large' },
    minutes: { type: 'string', default: '3' },
    'time-scale': { type: 'string', default: '60' },
    concurrency: { type: 'string', default: '16' },
  },
});
const MINUTES = Number(args.minutes);
const TIME_SCALE = Number(args['time-scale']);
const CONCURRENCY = Number(args.concurrency);
const out = (line = '') => process.stdout.write(`${line}\n`);

// the organisations of publish.ts: ten Kafka clusters, five connectors each, two ksqlDB clusters and two compute
// pools per environment, Schema Registry in most environments
const PER_ENV = { kafkaPerEnv: 10, connectorsPerCluster: 5, ksqlPerEnv: 2, computePoolsPerEnv: 2 };
const SIZES: Record<string, Partial<OrgSizes>> = {
  small: { environments: 5, ...PER_ENV },
  medium: { environments: 50, ...PER_ENV },
  large: { environments: 200, ...PER_ENV },
};
const SEED = 42;
const GROUPINGS = ['resource', 'environment', 'plan'] as const satisfies readonly GroupBy[];
const LIMITS = METRICS_LIMITS['2026'];
/** One series per Kafka cluster: the rest of the hour is replayed with small answers (the 429s stay exact). */
const LIGHT_METRIC = 'io.confluent.kafka.server/partition_count';

/** The document of one grouping and what it costs on paper. */
interface Rendered {
  groupBy: GroupBy;
  groups: TargetGroup[];
  plan?: PlanFigures;
  requestsPerMinute: number;
  largest: { instance: string; points: number };
  longestUrl: number;
}

interface Row {
  org: string;
  resources: number;
  lowerBound: { points: number; url: number; value: number };
  rendered: Rendered;
  /** Both scrapers from 127.0.0.1, N minutes. */
  shared: ReplayFigures;
  /** The same with one loopback address per scraper; only where the shared address met the per-IP limit. */
  separate?: ReplayFigures;
  /** The plan only: the rest of the simulated hour after the N minutes, with a `metric=` filter. */
  hour?: ReplayFigures;
}

/** The render config part as the CLI loads it with no variables set but SD_GROUP_BY. */
function renderConfigOf(groupBy: GroupBy): RenderConfig {
  return loadParts(createConfigVars({ SD_GROUP_BY: groupBy }, process.cwd()), { render: renderPart }).render;
}

function renderGrouping(inventory: Inventory, groupBy: GroupBy): Rendered {
  const config = renderConfigOf(groupBy);
  const docs = renderAll(inventory, config.combinations, {
    paramStyle: config.paramStyle,
    groupBy: config.groupBy,
    batchSize: config.batchSize,
    plan: config.plan,
  });
  // the documents of a run have the same groups (only the label prefix differs); a Prometheus job reads one, in
  // k8s/prometheus/prometheus.yml the `confluent_` one
  const doc = docs.find((d) => d.combination.prefix === 'confluent_') ?? docs[0];
  if (!doc) throw new Error('render gave no document');
  const groups = JSON.parse(doc.body) as TargetGroup[];
  const points = new Map(inventory.resources.map((r) => [r.id, pointsOf(r)]));
  let largest = { instance: '', points: 0 };
  let requestsPerMinute = 0;
  let longestUrl = 0;
  for (const g of groups) {
    requestsPerMinute += g.targets.length / intervalMinutesOf(g);
    longestUrl = Math.max(longestUrl, Buffer.byteLength(scrapePath(g.labels)));
    const byType = idsOf(g).map(({ ids }) => ids.reduce((n, id) => n + (points.get(id) ?? 0), 0));
    const p = Math.max(0, ...byType);
    if (p > largest.points) largest = { instance: g.labels.instance ?? '', points: p };
  }
  const plan = doc.plan ? { plan: doc.plan } : {};
  return { groupBy, groups, ...plan, requestsPerMinute, largest, longestUrl };
}

/**
 * The fewest groups any grouping could have (the planner's `lowerBound`, its two terms apart): each type's points
 * over the cap, and every id with its `%2C` over the URL bytes a scrape has after the path — for each metrics
 * path apart (custom connectors are scraped at their own, `cloud-custom`), summed.
 */
function lowerBoundOf(inventory: Inventory, plan: PlanSettings): Row['lowerBound'] {
  const total = { points: 0, url: 0, value: 0 };
  for (const path of [DEFAULT_METRICS_PATH, DEFAULT_CUSTOM_METRICS_PATH]) {
    const dataset = path === DEFAULT_METRICS_PATH ? 'cloud' : 'cloud-custom';
    const resources = inventory.resources.filter((r) => DATASET_OF[r.type] === dataset);
    const byType = new Map<string, number>();
    let url = 0;
    for (const r of resources) {
      byType.set(r.type, (byType.get(r.type) ?? 0) + pointsOf(r));
      url += r.id.length + 3;
    }
    const points = Math.max(0, ...[...byType.values()].map((p) => Math.ceil(p / plan.pointsPerMetric)));
    const urlGroups = Math.ceil(url / Math.max(1, plan.maxUrlBytes - path.length));
    total.points += points;
    total.url += urlGroups;
    total.value += Math.max(resources.length > 0 ? 1 : 0, points, urlGroups);
  }
  return total;
}

/** The grouping's replays: N minutes from a fresh hour, then the rest of that hour (plan), then one IP each. */
async function replayGrouping(
  deps: ReplayDeps,
  rendered: Rendered,
): Promise<Omit<Row, 'org' | 'resources' | 'lowerBound'>> {
  const base = { from: 0, minutes: MINUTES, concurrency: CONCURRENCY };
  const fresh = () => {
    deps.sim.resetLimits();
    return nextHourOf(deps.clock);
  };
  const startMs = fresh();
  const shared = await replayScrapes(deps, rendered.groups, { ...base, startMs, separateIps: false });
  const hour =
    rendered.groupBy === 'plan' && MINUTES < 60
      ? await replayScrapes(deps, rendered.groups, {
          ...base,
          startMs,
          from: MINUTES,
          minutes: 60 - MINUTES,
          separateIps: false,
          metric: LIGHT_METRIC,
        })
      : undefined;
  const separate =
    shared.perIp429 > 0
      ? await replayScrapes(deps, rendered.groups, { ...base, startMs: fresh(), separateIps: true })
      : undefined;
  return { rendered, shared, ...(hour ? { hour } : {}), ...(separate ? { separate } : {}) };
}

async function benchOrg(name: string, sizes: Partial<OrgSizes>): Promise<Row[]> {
  const clock = createSimClock(TIME_SCALE);
  const sim = await startSimulator({
    seed: SEED,
    port: 0,
    ...sizes,
    metricsLimits: '2026',
    timeScale: TIME_SCALE,
    clock: clock.now,
  });
  try {
    const inventory = await discoverSimulator(sim.url);
    const partitions = new Map(sim.kafkaSizes().clusters.map((c) => [c.id, c.partitions]));
    for (const r of inventory.resources)
      if (r.type === 'kafka' && r.partitions !== partitions.get(r.id))
        throw new Error(
          `discovery sized ${r.id} at ${r.partitions} partitions, the simulator exports ${partitions.get(r.id)}`,
        );
    const lowerBound = lowerBoundOf(inventory, renderConfigOf('plan').plan);
    const rows: Row[] = [];
    for (const groupBy of GROUPINGS) {
      const rendered = renderGrouping(inventory, groupBy);
      if (rendered.plan && rendered.plan.lowerBound !== lowerBound.value)
        throw new Error(
          `lower bound ${lowerBound.value} differs from the plan's ${rendered.plan.lowerBound}`,
        );
      const replayed = await replayGrouping({ sim, clock, inventory, partitions }, rendered);
      rows.push({ org: name, resources: inventory.resources.length, lowerBound, ...replayed });
    }
    return rows;
  } finally {
    await sim.close();
  }
}

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
const pct = (a: number, b: number) => (b === 0 ? '–' : `${((100 * a) / b).toFixed(a === b ? 0 : 1)} %`);
const share = (a: number, b: number) => `${int(a)} (${pct(a, b)})`;

function printSettings(plan: PlanSettings): void {
  out(
    `Budget (the CLI's defaults: \`SD_METRICS_LIMITS=2026\`, 20 % margin, \`SD_SCRAPERS=2\`, \`SD_SCRAPE_INTERVAL=1m\`): ${plan.requestsPerMinute} requests/min per Prometheus (${LIMITS.requestsPerMinute} per client IP documented), ${plan.requestsPerResourceHour} \`/export\` requests per resource per hour for the key (${LIMITS.requestsPerResourceHour} documented; 2 scrapers every minute spend 120), ${int(plan.pointsPerMetric)} points per resource type per metric in a group (the API cuts at ${int(LIMITS.pointsPerMetric)}), scrape URLs of at most ${plan.maxUrlBytes} bytes.`,
  );
  out();
  out(
    `**A replay, not Prometheus:** ${SCRAPERS.length} scrapers on one API key, each fetching every target group of the rendered document once per simulated minute (\`__scrape_interval__\` honoured), at the URL Prometheus builds from the group's labels, in the order of their scrape offsets; ${MINUTES} simulated minutes against the simulator (\`metricsLimits: '2026'\`, \`timeScale: ${TIME_SCALE}\`, its clock driven by the replay). Both scrapers send from 127.0.0.1, so they share the per-IP limit; the details table gives each scraper's 429s and the same replay with one address per scraper.`,
  );
}

function printMain(rows: readonly Row[], plan: PlanSettings): void {
  out();
  out(
    '| org | grouping | resources | groups | groups ÷ lower bound | requests/min per Prometheus / budget | largest group: points / cap | 429s per IP | 429s per resource | truncated responses | exported every interval |',
  );
  out('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const d = r.rendered;
    const s = r.shared;
    out(
      `| ${r.org} | \`${d.groupBy}\` | ${int(r.resources)} | ${int(d.groups.length)} | ${(d.groups.length / r.lowerBound.value).toFixed(2)} | ${int(d.requestsPerMinute)} / ${plan.requestsPerMinute} | ${int(d.largest.points)} / ${int(plan.pointsPerMetric)} | ${int(s.perIp429)} | ${int(s.perResource429)} | ${int(s.truncated)} | ${share(s.exportedEvery, r.resources)} |`,
    );
  }
  out();
  out(
    `429s, truncated responses and the share exported count ${MINUTES} simulated minutes of both scrapers. _Exported every interval_: the resource's series came in every scrape due for it, from both scrapers, whole (a Kafka cluster's \`retained_bytes\` series as many as its partitions). _Largest group_: the most points one metric of one resource type has in a group (a Kafka cluster's partitions, 1 for the other types), from the partition counts discovery read. _Lower bound_: \`max(max over types of ⌈Σ points / cap⌉, ⌈Σ (id bytes + 3) / (URL bytes − path)⌉)\` for each metrics path (\`cloud\`, and \`cloud-custom\` for custom connectors), summed: the planner's \`lowerBound\`.`,
  );
}

function printDetails(rows: readonly Row[]): void {
  out();
  out(
    '| org | grouping | lower bound (points, URL) | longest scrape URL | scrapes sent | 429s per IP, scraper a / b | one IP per scraper: 429s per IP, exported | series received | truncated (series cut) | Kafka clusters short | replay |',
  );
  out('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const s = r.shared;
    const lb = r.lowerBound;
    const perScraper = s.perScraper.map((p) => int(p.throttled)).join(' / ');
    const separate = r.separate
      ? `${int(r.separate.perIp429)}, ${share(r.separate.exportedEvery, r.resources)}`
      : 'as shared (no per-IP 429)';
    out(
      `| ${r.org} | \`${r.rendered.groupBy}\` | ${lb.value} (${lb.points}, ${lb.url}) | ${int(r.rendered.longestUrl)} B | ${int(s.requests)} | ${perScraper} | ${separate} | ${int(s.series)} | ${int(s.truncated)} (${int(s.seriesCut)}) | ${int(s.kafkaIncomplete)} | ${(s.wallMs / 1000).toFixed(1)} s |`,
    );
  }
  const other = rows.reduce((n, r) => n + r.shared.other + (r.separate?.other ?? 0), 0);
  const accessErrors = rows.reduce((n, r) => n + r.shared.accessErrors + (r.separate?.accessErrors ?? 0), 0);
  out();
  out(
    `_Truncated_: responses the simulator cut at the ${int(LIMITS.pointsPerMetric)} cap (its stats), and the series it cut; _Kafka clusters short_: clusters for which some answer held fewer \`retained_bytes\` series than partitions, counted by the replay. Answers other than 200 and 429: ${int(other)}; \`confluent_scrape_resource_access_error\` series at 1: ${int(accessErrors)}.`,
  );
}

function printHour(rows: readonly Row[], plan: PlanSettings): void {
  const hours = rows.filter((r) => r.hour);
  if (hours.length === 0) return;
  out();
  out(
    `The rest of the simulated hour (minutes ${MINUTES + 1}–60) for \`plan\`, the same scrapes with \`metric=${LIGHT_METRIC}\` so the answers are small (the limits count requests, not series):`,
  );
  out();
  out(
    '| org | minutes | scrapes | 429s per IP | 429s per resource | `/export` requests per resource in the hour / budget |',
  );
  out('|---|---:|---:|---:|---:|---:|');
  for (const r of hours) {
    const h = r.hour as ReplayFigures;
    const perResource = r.rendered.plan?.requestsPerResourceHour ?? Number.NaN;
    out(
      `| ${r.org} | ${60 - MINUTES} | ${int(h.requests)} | ${int(h.perIp429)} | ${int(h.perResource429)} | ${int(perResource)} / ${plan.requestsPerResourceHour} (${LIMITS.requestsPerResourceHour} documented) |`,
    );
  }
}

function printTargets(row: Row, plan: PlanSettings): void {
  const d = row.rendered;
  const s = row.shared;
  const h = row.hour;
  const ratio = d.groups.length / row.lowerBound.value;
  const targets: [string, string, boolean][] = [
    [
      `requests/min per Prometheus ≤ ${plan.requestsPerMinute} (${LIMITS.requestsPerMinute} − 20 %), SD_SCRAPERS=2`,
      `${int(d.requestsPerMinute)}`,
      d.requestsPerMinute <= plan.requestsPerMinute,
    ],
    [
      `0 429s over ${MINUTES} minutes${h ? ' and the rest of the hour' : ''}`,
      `${s.perIp429 + s.perResource429}${h ? ` + ${h.perIp429 + h.perResource429}` : ''}`,
      s.perIp429 + s.perResource429 + (h ? h.perIp429 + h.perResource429 : 0) === 0,
    ],
    ['0 truncated responses', `${s.truncated}`, s.truncated === 0],
    [
      '100 % of resources exported every interval',
      `${int(s.exportedEvery)} / ${int(row.resources)}`,
      s.exportedEvery === row.resources,
    ],
    [
      'groups ≤ 1.5 × lower bound',
      `${d.groups.length} / ${row.lowerBound.value} = ${ratio.toFixed(2)}×`,
      ratio <= 1.5,
    ],
  ];
  out();
  out(`Targets (${row.org} organisation, \`SD_GROUP_BY=plan\`):`);
  out();
  out('| target | measured | |');
  out('|---|---|---|');
  for (const [name, measured, met] of targets)
    out(`| ${name} | ${measured} | ${met ? 'met' : '**missed**'} |`);
}

async function main(): Promise<number> {
  const rows: Row[] = [];
  for (const name of args.sizes.split(',')) {
    const sizes = SIZES[name];
    if (!sizes) throw new Error(`unknown size ${name} (small, medium, large)`);
    rows.push(...(await benchOrg(name, sizes)));
  }
  const plan = renderConfigOf('plan').plan;
  printSettings(plan);
  printMain(rows, plan);
  printDetails(rows);
  printHour(rows, plan);
  const large = rows.filter((r) => r.rendered.groupBy === 'plan').at(-1);
  if (large) printTargets(large, plan);
  return 0;
}

process.exitCode = await main();
