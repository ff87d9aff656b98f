/**
 * k8s/grafana/: the dashboards hold the fields Grafana needs to import them (no Grafana schema package is installed
 * here, so the fields are checked one by one), query only through the `datasource` variable, use only variables
 * they define, and name only metrics that exist: the server's, the Metrics API's (as the simulator exports them),
 * the info documents' and Prometheus' own. Every metric an alert reads has a panel. With promtool, every query
 * parses. That each query returns data is the e2e test's part (test/e2e/dashboards.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { INFO_METRIC } from '../../../src/render/info.js';
import { exportName, METRICS } from '../../../src/simulator/metric-catalog.js';
import {
  dashboardQueries,
  GRAFANA_DIR,
  GRAFANA_GLOBALS,
  type Obj,
  PROMETHEUS_DIR,
  ROOT,
  readDashboards,
  readYaml,
  substituteVariables,
} from '../../helpers/k8s-manifests.js';

const dashboards = readDashboards();
const DATASOURCE = { type: 'prometheus', uid: `\${datasource}` };
const PANEL_TYPES = ['stat', 'timeseries', 'table'];

const serverSource = ['src/serve/metrics.ts', 'src/serve/plan-metrics.ts', 'src/serve/discovery-metrics.ts']
  .map((f) => readFileSync(path.join(ROOT, f), 'utf8'))
  .join('\n');
const exported = new Set(METRICS.map((m) => exportName(m.name)));
const PROMETHEUS_OWN = ['prometheus_sd_http_failures_total', 'prometheus_sd_discovered_targets'];

/** Where a metric name comes from, or undefined when nothing exports it. */
function sourceOf(metric: string): string | undefined {
  const base = metric.replace(/_(bucket|sum|count)$/, '');
  if (metric.startsWith('confluent_sd_')) return serverSource.includes(`'${base}'`) ? 'server' : undefined;
  if (exported.has(metric)) return 'metrics api';
  if (metric === INFO_METRIC) return 'info document';
  if (metric === 'confluent_scrape_resource_access_error') return 'metrics api';
  if (PROMETHEUS_OWN.includes(metric) || metric === 'up') return 'prometheus';
  return undefined;
}

const FUNCTIONS = new Set([
  'sum',
  'count',
  'max',
  'min',
  'rate',
  'increase',
  'histogram_quantile',
  'vector',
  'by',
  'on',
]);
const KEYWORDS = new Set(['group_left', 'or', 'and', 'unless']);

/** The metric names of a query: identifiers before `{`, `[` or `)` that are not functions, labels or strings. */
function metricsOf(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\b(by|on|without|group_left)\s*\([^)]*\)/g, '');
  const names = [...bare.matchAll(/\b([a-z_:][a-z0-9_:]*)\s*(?=[{[)]|$|\s*[*/+-])/g)].map((m) => m[1]!);
  const fromRegex = [...expr.matchAll(/__name__=~"([^"]+)"/g)].flatMap((m) =>
    [...exported].filter((e) => new RegExp(`^(?:${m[1]})$`).test(e)),
  );
  return [...new Set([...names, ...fromRegex])].filter(
    (n) => !FUNCTIONS.has(n) && !KEYWORDS.has(n) && !/^\d/.test(n),
  );
}

test('k8s/grafana holds the two dashboards, each a ConfigMap for the Grafana sidecar', () => {
  assert.equal(
    dashboards.map((d) => d.file),
    ['confluent-cloud-overview.json', 'confluent-sd-health.json'],
  );
  const k = readYaml(path.join(GRAFANA_DIR, 'kustomization.yaml'));
  assert.equal(k.generatorOptions.labels.grafana_dashboard, '1');
  assert.equal(
    (k.configMapGenerator as Obj[]).flatMap((g) => g.files).sort(),
    dashboards.map((d) => d.file),
  );
});

test('each dashboard has the fields Grafana needs to import it', () => {
  const uids = new Set<string>();
  for (const { file, dashboard: d } of dashboards) {
    assert.match(d.uid, /^[a-zA-Z0-9_-]{1,40}$/, `${file} uid`);
    assert.not.ok(uids.has(d.uid), `${file}: uid ${d.uid} is unique`);
    uids.add(d.uid);
    assert.ok(typeof d.title === 'string' && d.title.length > 0, `${file} title`);
    assert.ok(Number.isInteger(d.schemaVersion) && d.schemaVersion >= 36, `${file} schemaVersion`);
    assert.ok(Number.isInteger(d.version), `${file} version`);
    assert.equal(Object.keys(d.time).sort(), ['from', 'to']);
    assert.ok(Array.isArray(d.templating.list) && Array.isArray(d.panels) && d.panels.length > 0, file);
    assert.is(d.id, undefined, `${file}: no id (Grafana assigns it on import)`);
  }
});

test('every panel and query goes through the datasource variable, which picks a Prometheus', () => {
  for (const { file, dashboard: d } of dashboards) {
    const ds = (d.templating.list as Obj[]).find((v) => v.name === 'datasource');
    assert.equal([ds?.type, ds?.query], ['datasource', 'prometheus'], file);
    for (const v of (d.templating.list as Obj[]).filter((x) => x.type === 'query'))
      assert.equal(v.datasource, DATASOURCE, `${file} $${v.name}`);
    for (const p of d.panels as Obj[]) {
      assert.equal(p.datasource, DATASOURCE, `${file} / ${p.title}`);
      for (const t of p.targets) assert.equal(t.datasource, DATASOURCE, `${file} / ${p.title} / ${t.refId}`);
    }
  }
});

test('panels: unique ids, known types, targets with refIds, inside the 24-column grid without overlap', () => {
  for (const { file, dashboard: d } of dashboards) {
    const panels = d.panels as Obj[];
    assert.is(new Set(panels.map((p) => p.id)).size, panels.length, `${file}: unique panel ids`);
    const cells = new Set<string>();
    for (const p of panels) {
      const where = `${file} / ${p.title}`;
      assert.ok(Number.isInteger(p.id) && p.id > 0, where);
      assert.ok(PANEL_TYPES.includes(p.type), `${where}: ${p.type}`);
      assert.ok(p.targets.length > 0, where);
      assert.is(new Set(p.targets.map((t: Obj) => t.refId)).size, p.targets.length, `${where}: refIds`);
      for (const t of p.targets) assert.ok(typeof t.expr === 'string' && t.expr.trim() !== '', where);
      const { x, y, w, h } = p.gridPos;
      assert.ok([x, y, w, h].every(Number.isInteger) && x >= 0 && w > 0 && h > 0 && x + w <= 24, where);
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          assert.not.ok(cells.has(`${i},${j}`), `${where} overlaps another panel`);
          cells.add(`${i},${j}`);
        }
      }
    }
  }
});

test('queries use only the variables their dashboard defines (before them) and Grafana globals', () => {
  for (const dash of dashboards) {
    const defined = (dash.dashboard.templating.list as Obj[]).map((v) => v.name as string);
    for (const q of dashboardQueries(dash)) {
      const own = q.where.includes('/ $') ? q.where.split('/ $')[1]! : undefined;
      const allowed = own ? defined.slice(0, defined.indexOf(own)) : defined;
      for (const [, name] of q.expr.matchAll(/\$\{?(\w+)\}?/g)) {
        assert.ok(name! in GRAFANA_GLOBALS || allowed.includes(name!), `${q.where}: $${name}`);
      }
    }
  }
});

test('queries name only metrics that exist: the server, the Metrics API, the info documents, Prometheus', () => {
  const unknown: string[] = [];
  for (const dash of dashboards) {
    for (const q of dashboardQueries(dash)) {
      const metrics = metricsOf(q.expr);
      assert.ok(metrics.length > 0, `${q.where}: names a metric`);
      for (const m of metrics) if (!sourceOf(m)) unknown.push(`${q.where}: ${m}`);
    }
  }
  assert.equal(unknown, []);
});

test('the metric names check is live: a misspelt metric is caught', () => {
  assert.equal(metricsOf('sum(rate(confluent_sd_http_request_total{job="x"}[5m]))'), [
    'confluent_sd_http_request_total',
  ]);
  assert.is(sourceOf('confluent_sd_http_request_total'), undefined);
  assert.is(sourceOf('confluent_kafka_server_received_byte'), undefined);
});

test('every metric an alert reads has a panel in the confluent-sd health dashboard', () => {
  const alerts = readYaml(path.join(PROMETHEUS_DIR, 'alerts.yaml'));
  const health = dashboards.find((d) => d.file === 'confluent-sd-health.json')!;
  const shown = new Set(dashboardQueries(health).flatMap((q) => metricsOf(q.expr)));
  const missing: string[] = [];
  for (const r of alerts.groups.flatMap((g: Obj) => g.rules) as Obj[]) {
    for (const m of metricsOf(String(r.expr))) if (!shown.has(m)) missing.push(`${r.alert}: ${m}`);
  }
  assert.equal(missing, []);
});

const hasPromtool = !spawnSync('promtool', ['--version']).error;
(hasPromtool ? test : test.skip)('promtool parses every query (Grafana variables substituted)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'confluent-sd-dashboards-'));
  try {
    const queries = dashboards.flatMap((d) => dashboardQueries(d));
    const rules = queries.map((q, i) => ({
      record: `dashboard:query_${i}`,
      expr: substituteVariables(q.expr),
    }));
    writeFileSync(path.join(dir, 'queries.yaml'), stringify({ groups: [{ name: 'dashboards', rules }] }));
    const r = spawnSync('promtool', ['check', 'rules', 'queries.yaml'], { cwd: dir, encoding: 'utf8' });
    assert.is(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.match(r.stdout, new RegExp(`SUCCESS: ${queries.length} rules found`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
if (!hasPromtool)
  process.stderr.write('\n*** SKIPPED: promtool not found on PATH; dashboard queries not parsed ***\n\n');

test.run();
