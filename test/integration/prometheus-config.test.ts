/**
 * k8s/prometheus/: the scrape config and alert rules pass `promtool check config`, `promtool check rules` and
 * the alert unit tests (`promtool test rules`); the facts that matter are asserted on the parsed files; the
 * prometheus-operator ScrapeConfig, ServiceMonitor and PrometheusRule say the same as the plain files.
 * Without promtool the promtool tests are skipped loudly, or fail when CI=true.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { documentName } from '../../src/bucket/document-name.js';
import { DEFAULTS } from '../../src/config-parts.js';
import { parseListen } from '../../src/serve/config.js';
import {
  buildE2eConfig,
  CLOUD_JOB,
  INFO_JOB,
  SELF_JOB,
  SERVER_JOB,
} from '../helpers/e2e-prometheus-config.js';
import {
  findObject,
  K8S_DIR,
  type Obj,
  PROMETHEUS_DIR,
  ROOT,
  readManifests,
  readYaml,
  readYamlDocuments,
  selects,
} from '../helpers/k8s-manifests.js';

const config = readYaml(path.join(PROMETHEUS_DIR, 'prometheus.yml'));
const alerts = readYaml(path.join(PROMETHEUS_DIR, 'alerts.yaml'));
const ALERT_TESTS = path.join(PROMETHEUS_DIR, 'tests', 'alerts.test.yaml');
const alertTests = readYaml(ALERT_TESTS);
const base = readManifests(K8S_DIR);
const operator = readManifests(PROMETHEUS_DIR);
/** `30s`, `2m`, `1h15m`: the Prometheus durations these files use, in seconds. */
function durationSeconds(text: string): number {
  const units: Record<string, number> = { s: 1, m: 60, h: 3600 };
  const parts = [...String(text).matchAll(/(\d+)([smh])/g)];
  assert.ok(parts.length > 0 && parts.map((p) => p[0]).join('') === text, `a duration: ${text}`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2]!]!, 0);
}
const job = (name: string): Obj => config.scrape_configs.find((j: Obj) => j.job_name === name);
const port = parseListen(DEFAULTS.SD_LISTEN, []).port;
const namespace = readYaml(path.join(K8S_DIR, 'kustomization.yaml')).namespace as string;

// The document Prometheus reads: the default targets with the confluent_ prefix the ConfigMap publishes.
const configMap = findObject(base, 'ConfigMap', 'confluent-sd').data;
const docName = documentName({ targets: configMap.SD_TARGETS.split(','), prefix: 'confluent_' });
const sdUrl = `http://confluent-sd.${namespace}.svc:${port}/sd/${docName}.json`;

test('confluent-cloud job: 1m, honour timestamps, https with basic auth, http_sd with an explicit Bearer type', () => {
  assert.ok(configMap.SD_PREFIXES.split(',').includes('confluent_'));
  assert.is(docName, 'confluent--api.telemetry.confluent.cloud');
  const j = job('confluent-cloud');
  assert.equal(
    {
      scrape_interval: j.scrape_interval,
      honor_timestamps: j.honor_timestamps,
      scheme: j.scheme,
      basic_auth: j.basic_auth,
    },
    {
      scrape_interval: '1m',
      honor_timestamps: true,
      scheme: 'https',
      basic_auth: {
        username: 'REPLACE_WITH_CLOUD_API_KEY',
        password_file: '/etc/prometheus/secrets/confluent-cloud/api-secret',
      },
    },
  );
  assert.equal(j.http_sd_configs, [
    {
      url: sdUrl,
      refresh_interval: '5m',
      authorization: { type: 'Bearer', credentials_file: '/etc/prometheus/secrets/confluent-sd/token' },
    },
  ]);
});

test('confluent-sd-info job: the info document of the same combination, from the Service, with the SD token', () => {
  const j = job('confluent-sd-info');
  const sd = job('confluent-cloud').http_sd_configs[0];
  const service = new URL(sd.url).host;
  assert.is(service, `${findObject(base, 'Service', 'confluent-sd').metadata.name}.${namespace}.svc:${port}`);
  assert.equal(j, {
    job_name: 'confluent-sd-info',
    scrape_interval: '2m',
    scrape_timeout: '30s',
    honor_labels: true,
    metrics_path: `/sd/${docName}.info.prom`,
    authorization: sd.authorization,
    // one target: a target per pod would double every series and break the group_left join
    static_configs: [{ targets: [service] }],
  });
  // under Prometheus' default 5m lookback, so one failed scrape keeps the names in queries
  assert.ok(durationSeconds(j.scrape_interval) * 2 <= 300);
});

test('the e2e config keeps the shipped info job, pointed at the loopback server', () => {
  const input = {
    sdUrl: 'http://127.0.0.1:9/sd/x.json',
    tokenFile: '/tmp/token',
    apiKey: 'k',
    apiSecretFile: '/tmp/secret',
    serverAddress: '127.0.0.1:9',
  };
  const jobs = (c: Obj) => (c.scrape_configs as Obj[]).map((j) => j.job_name);
  assert.equal(jobs(buildE2eConfig(config, input)), [CLOUD_JOB, SERVER_JOB]);
  const e2e = buildE2eConfig(config, { ...input, infoPath: '/sd/x.info.prom' });
  assert.equal(jobs(e2e), [CLOUD_JOB, SERVER_JOB, INFO_JOB]);
  assert.equal(e2e.scrape_configs[2], {
    ...job(INFO_JOB),
    scrape_interval: '1s',
    scrape_timeout: '1s',
    metrics_path: '/sd/x.info.prom',
    authorization: { type: 'Bearer', credentials_file: '/tmp/token' },
    static_configs: [{ targets: ['127.0.0.1:9'] }],
  });
  // Prometheus scraping itself, for the SD alerts and panels (prometheus_sd_http_failures_total)
  const self = buildE2eConfig(config, { ...input, selfAddress: '127.0.0.1:8' });
  assert.equal(self.scrape_configs.at(-1), {
    job_name: SELF_JOB,
    static_configs: [{ targets: ['127.0.0.1:8'] }],
  });
});

test('confluent-sd job scrapes every server pod through the headless Service', () => {
  const svc = findObject(base, 'Service', 'confluent-sd-pods');
  assert.equal(job('confluent-sd').dns_sd_configs, [
    { names: [`${svc.metadata.name}.${namespace}.svc`], type: 'A', port, refresh_interval: '30s' },
  ]);
});

test('the ScrapeConfig says what the confluent-cloud job says', () => {
  const j = job('confluent-cloud');
  const sc = findObject(operator, 'ScrapeConfig', 'confluent-cloud');
  assert.is(sc.apiVersion, 'monitoring.coreos.com/v1alpha1');
  const secret = (key: string) => ({ name: 'confluent-sd-prometheus', key });
  assert.equal(sc.spec, {
    jobName: j.job_name,
    scrapeInterval: j.scrape_interval,
    scrapeTimeout: j.scrape_timeout,
    honorTimestamps: j.honor_timestamps,
    scheme: j.scheme.toUpperCase(),
    basicAuth: { username: secret('cloud-api-key'), password: secret('cloud-api-secret') },
    httpSDConfigs: [
      {
        url: j.http_sd_configs[0].url,
        refreshInterval: j.http_sd_configs[0].refresh_interval,
        authorization: { type: 'Bearer', credentials: secret('sd-token') },
      },
    ],
  });
});

test('the ScrapeConfig confluent-sd-info says what the confluent-sd-info job says', () => {
  const j = job('confluent-sd-info');
  const sc = findObject(operator, 'ScrapeConfig', 'confluent-sd-info');
  assert.is(sc.apiVersion, 'monitoring.coreos.com/v1alpha1');
  assert.equal(sc.spec, {
    jobName: j.job_name,
    scrapeInterval: j.scrape_interval,
    scrapeTimeout: j.scrape_timeout,
    honorLabels: j.honor_labels,
    metricsPath: j.metrics_path,
    authorization: { type: 'Bearer', credentials: { name: 'confluent-sd-prometheus', key: 'sd-token' } },
    staticConfigs: j.static_configs,
  });
});

test('the ServiceMonitor scrapes /metrics of the Service confluent-sd (job="confluent-sd")', () => {
  const sm = findObject(operator, 'ServiceMonitor', 'confluent-sd');
  assert.is(sm.apiVersion, 'monitoring.coreos.com/v1');
  const svc = findObject(base, 'Service', 'confluent-sd');
  assert.ok(selects(sm.spec.selector.matchLabels, svc.metadata.labels));
  // the headless Service has the same pods: selecting it too would make two targets of every pod
  const headless = findObject(base, 'Service', 'confluent-sd-pods');
  assert.not.ok(selects(sm.spec.selector.matchLabels, headless.metadata.labels));
  assert.not.ok(
    selects(
      sm.spec.selector.matchLabels,
      findObject(base, 'CronJob', 'confluent-sd-publish').metadata.labels,
    ),
  );
  assert.equal(sm.spec.endpoints, [{ port: svc.spec.ports[0].name, path: '/metrics', interval: '30s' }]);
});

test('the PrometheusRule holds exactly the groups of alerts.yaml', () => {
  const rule = findObject(operator, 'PrometheusRule', 'confluent-sd');
  assert.is(rule.apiVersion, 'monitoring.coreos.com/v1');
  assert.equal(rule.spec.groups, alerts.groups);
});

const rules: Obj[] = alerts.groups.flatMap((g: Obj) => g.rules);
const ruleNames = (group: string) =>
  (alerts.groups.find((g: Obj) => g.name === group)?.rules ?? []).map((r: Obj) => r.alert as string);

test('the alerts: the server group and the group of what Prometheus sees', () => {
  assert.equal(ruleNames('confluent-sd'), [
    'ConfluentSDDocumentsStale',
    'ConfluentSDPublishFailing',
    'ConfluentSDServerDown',
    'ConfluentSDServerInstanceDown',
    'ConfluentSDResourcesDropped',
    'ConfluentSDPlanDegraded',
    'ConfluentSDResourcesOverPointsCap',
    'ConfluentSDPlanSizesEstimated',
    'ConfluentSDResourceTypeNotExported',
    'ConfluentSDListingsRefused',
    'ConfluentSDRecordsLeftOut',
  ]);
  assert.equal(ruleNames('confluent-sd-prometheus'), [
    'ConfluentSDDiscoveryFailing',
    'ConfluentSDUnauthorized',
    'ConfluentCloudScrapeFailing',
    'ConfluentCloudResourceInaccessible',
  ]);
  assert.is(rules.length, 15);
});

const serverSource = ['src/serve/metrics.ts', 'src/serve/plan-metrics.ts', 'src/serve/discovery-metrics.ts']
  .map((f) => readFileSync(path.join(ROOT, f), 'utf8'))
  .join('\n');
// Where each alert's metrics come from: the server, Prometheus itself, or the Metrics API via the confluent-cloud job.
const PROMETHEUS_OWN = ['prometheus_sd_http_failures_total'];
const METRICS_API = ['confluent_scrape_resource_access_error'];

test('the confluent-sd group uses only metrics the server exports, on job="confluent-sd"', () => {
  for (const r of alerts.groups.find((g: Obj) => g.name === 'confluent-sd').rules as Obj[]) {
    const names = [...new Set(String(r.expr).match(/\bconfluent_sd_\w+/g) ?? [])];
    for (const n of names)
      assert.ok(
        serverSource.includes(`'${n}'`),
        `${r.alert}: ${n} is exported by src/serve/(plan-)metrics.ts`,
      );
    assert.ok(String(r.expr).includes('job="confluent-sd"'), `${r.alert} is scoped to the server job`);
  }
  // Schedule every 30 min: stale means more than two runs.
  assert.match(rules[0]?.expr, /> 4500$/);
});

test('the confluent-sd-prometheus group reads Prometheus itself, the server and the confluent-cloud job only', () => {
  for (const r of alerts.groups.find((g: Obj) => g.name === 'confluent-sd-prometheus').rules as Obj[]) {
    const expr = String(r.expr);
    const metrics = [...new Set(expr.match(/\b[a-z_]+(?=\{|\[)/g) ?? [])].filter((m) => !/^(by|on)$/.test(m));
    for (const m of metrics) {
      const known =
        PROMETHEUS_OWN.includes(m) ||
        (METRICS_API.includes(m) && expr.includes(`${m}{job="${CLOUD_JOB}"}`)) ||
        (m === 'up' && expr.includes(`up{job="${CLOUD_JOB}"}`)) ||
        (m.startsWith('confluent_sd_') &&
          serverSource.includes(`'${m}'`) &&
          expr.includes('job="confluent-sd"'));
      assert.ok(known, `${r.alert}: ${m} in ${expr}`);
    }
  }
});

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const headings = markdown.match(/^#{1,6} .+$/gm) ?? [];
  return new Set(
    headings.map((h) =>
      h
        .replace(/^#+ /, '')
        .toLowerCase()
        .replace(/[^a-z0-9 _-]/g, '')
        .replace(/ /g, '-'),
    ),
  );
}

test('every alert has a for:, and a runbook_url to its own section of docs/deploy.md', () => {
  const anchors = anchorsOf(readFileSync(path.join(ROOT, 'docs/deploy.md'), 'utf8'));
  for (const r of rules) {
    assert.ok(durationSeconds(r.for) >= 300, `${r.alert} for: ${r.for}`);
    const url = String(r.annotations.runbook_url);
    const m = /^https:\/\/confluent-sd\.example\.com\/docs\/deploy\.md#([a-z0-9-]+)$/.exec(url);
    assert.ok(m, `${r.alert}: ${url}`);
    assert.is(m![1], String(r.alert).toLowerCase(), `${r.alert}: the anchor is the alert's name`);
    assert.ok(anchors.has(m![1]!), `${r.alert}: docs/deploy.md has a heading #${m![1]}`);
  }
});

test('alerts on plan figures and on a state one publish run clears wait longer than one run', () => {
  const slow = rules.filter(
    (r) =>
      String(r.expr).includes('confluent_sd_plan_') ||
      String(r.expr).includes('confluent_sd_discovery_') ||
      String(r.expr).includes('confluent_scrape_resource_access_error'),
  );
  assert.equal(
    slow.map((r) => r.alert),
    [
      'ConfluentSDPlanDegraded',
      'ConfluentSDResourcesOverPointsCap',
      'ConfluentSDPlanSizesEstimated',
      'ConfluentSDResourceTypeNotExported',
      'ConfluentSDListingsRefused',
      'ConfluentSDRecordsLeftOut',
      'ConfluentCloudResourceInaccessible',
    ],
  );
  // the plan, the discovery report and the published resources change once per publish run (30 minutes)
  for (const r of slow) assert.ok(durationSeconds(r.for) > 1800, `${r.alert} for: ${r.for}`);
});

test('every alert has a promtool unit test in which it fires, and one in which it stays quiet', () => {
  const firing = new Set<string>();
  const quiet = new Set<string>();
  for (const t of alertTests.tests) {
    for (const a of t.alert_rule_test ?? []) (a.exp_alerts.length > 0 ? firing : quiet).add(a.alertname);
  }
  const names = rules.map((r) => r.alert as string).sort();
  assert.equal([...firing].sort(), names);
  assert.equal([...quiet].sort(), names);
});

test('the alert tests live apart from the rules: alerts*.yaml in k8s/prometheus are rule files only', () => {
  const ruleFiles = readdirSync(PROMETHEUS_DIR).filter((f) => /^alerts.*\.ya?ml$/.test(f));
  assert.equal(ruleFiles, ['alerts.yaml']);
  assert.equal(alertTests.rule_files, ['../alerts.yaml']);
});

function hasPromtool(): boolean {
  return !spawnSync('promtool', ['--version'], { encoding: 'utf8' }).error;
}

function promtool(args: string[], cwd: string = PROMETHEUS_DIR): { status: number | null; output: string } {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** A copy of prometheus.yml whose /etc/prometheus/… files exist: rules point at alerts.yaml, secrets at temp files. */
function writeCheckableConfig(dir: string): string {
  let text = readFileSync(path.join(PROMETHEUS_DIR, 'prometheus.yml'), 'utf8');
  text = text.replaceAll(
    '/etc/prometheus/rules/confluent-sd-alerts.yaml',
    path.join(PROMETHEUS_DIR, 'alerts.yaml'),
  );
  for (const file of new Set(text.match(/\/etc\/prometheus\/secrets\/[\w./-]+/g) ?? [])) {
    const copy = path.join(dir, file.slice('/etc/prometheus/'.length));
    mkdirSync(path.dirname(copy), { recursive: true });
    writeFileSync(copy, 'placeholder\n');
    text = text.replaceAll(file, copy);
  }
  assert.not.match(text, /\/etc\/prometheus\//);
  const out = path.join(dir, 'prometheus.yml');
  writeFileSync(out, text);
  return out;
}

const promtoolTest = hasPromtool() ? test : test.skip;
if (!hasPromtool()) {
  if (process.env.CI === 'true') {
    test('promtool is installed (required when CI=true)', () => {
      assert.unreachable('promtool not found on PATH; .ci/run installs the prometheus package');
    });
  } else {
    process.stderr.write(
      '\n*** SKIPPED: promtool not found on PATH; k8s/prometheus is not checked by promtool (apt-get install prometheus) ***\n\n',
    );
  }
}

promtoolTest('promtool check config accepts prometheus.yml (and the rule file it names)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'confluent-sd-promtool-'));
  try {
    const r = promtool(['check', 'config', writeCheckableConfig(dir)]);
    assert.is(r.status, 0, r.output);
    assert.match(r.output, /SUCCESS: 1 rule files found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

promtoolTest(
  'promtool check rules accepts alerts*.yaml (the rule file alone) and the PrometheusRule groups',
  () => {
    // the shell's glob, as docs/deploy.md and a CI step would write it
    const r = spawnSync('sh', ['-c', 'promtool check rules alerts*.yaml'], {
      cwd: PROMETHEUS_DIR,
      encoding: 'utf8',
    });
    const output = `${r.stdout}${r.stderr}`;
    assert.is(r.status, 0, output);
    assert.equal(output.match(/^Checking .*$/gm), ['Checking alerts.yaml']);
    assert.match(output, /SUCCESS: 15 rules found/);
  },
);

promtoolTest('promtool check rules rejects a broken rule (the check is live)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'confluent-sd-promtool-'));
  try {
    const broken = readFileSync(path.join(PROMETHEUS_DIR, 'alerts.yaml'), 'utf8').replace(
      '> 4500',
      '> > 4500',
    );
    writeFileSync(path.join(dir, 'alerts.yaml'), broken);
    const r = promtool(['check', 'rules', 'alerts.yaml'], dir);
    assert.is(r.status, 1, r.output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

promtoolTest('promtool test rules: every alert fires when it should and stays quiet otherwise', () => {
  assert.equal(readYamlDocuments(ALERT_TESTS).length, 1);
  const r = promtool(['test', 'rules', path.relative(PROMETHEUS_DIR, ALERT_TESTS)]);
  assert.is(r.status, 0, r.output);
  assert.match(r.output, /SUCCESS/);
});

test.run();
