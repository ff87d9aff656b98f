/**
 * Prometheus's own checker reads our documents: a loopback http_sd server serves the rendered documents and
 * `promtool check service-discovery <config> <job>` discovers them. promtool exits 0 even when it rejects a
 * document (it logs `level=error … Unable to refresh target groups` and prints `[]`), so we assert on what it
 * prints: every rendered target with exactly our labels, and nothing on stderr at level error.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { renderDocument } from '../../src/render/render.js';
import { buildRenderInventory, RENDER_VARIANTS, TELEMETRY } from '../helpers/render-inventory.js';

const run = promisify(execFile);
const PROMTOOL = process.env.PROMTOOL ?? 'promtool';

async function findPromtool(): Promise<string | undefined> {
  try {
    const { stdout } = await run(PROMTOOL, ['--version'], { timeout: 10_000 });
    return stdout.split('\n')[0];
  } catch {
    return undefined;
  }
}

interface Served {
  job: string;
  body: string;
  /** For the negative control: what promtool must say instead of listing targets. */
  rejectedWith?: string;
}

const inventory = buildRenderInventory();
const served: Served[] = [
  // Prometheus 2.x (legacy names) accepts the underscore style: no prefix, a prefix, two targets, grouping
  ...RENDER_VARIANTS.filter((v) => v.options.paramStyle === 'underscore').map((v) => ({
    job: v.golden.replace(/\.json$/, ''),
    body: renderDocument(inventory, v.combination, v.options).body,
  })),
  {
    job: 'negative-control-dotted',
    body: renderDocument(
      inventory,
      { targets: [TELEMETRY], prefix: '' },
      { paramStyle: 'dotted', groupBy: 'resource', batchSize: 50 },
    ).body,
    rejectedWith: '\\"__param_resource.kafka.id\\" is not a valid label name',
  },
];

const version = await findPromtool();
type Run = Promise<{ stdout: string; stderr: string }>;
const test = suite<{ server?: Server; dir?: string; config?: string; results?: Map<string, Run> }>(
  'promtool check service-discovery',
);

if (version === undefined) {
  const message = `promtool not found (${PROMTOOL}): the Prometheus acceptance check of rendered documents did not run`;
  if (process.env.CI === 'true') {
    test('promtool is installed (required when CI=true)', () => assert.unreachable(message));
  } else {
    process.stderr.write(`\n!!! ${message} — SKIPPED (install prometheus or set PROMTOOL) !!!\n\n`);
    for (const s of served) test.skip(`promtool accepts ${s.job}`, () => {});
  }
} else {
  test.before(async (ctx) => {
    const server = createServer((req, res) => {
      const doc = served.find((s) => req.url === `/sd/${s.job}.json`);
      if (!doc) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(doc.body);
    });
    ctx.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    ctx.dir = await mkdtemp(join(tmpdir(), 'confluent-sd-promtool-'));
    ctx.config = join(ctx.dir, 'prometheus.yml');
    const scrapeConfigs = served.map((s) => ({
      job_name: s.job,
      scheme: 'https',
      scrape_interval: '1m',
      scrape_timeout: '55s',
      basic_auth: { username: 'CLOUD_API_KEY', password: 'CLOUD_API_SECRET' },
      http_sd_configs: [{ url: `http://127.0.0.1:${port}/sd/${s.job}.json`, refresh_interval: '5m' }],
    }));
    await writeFile(ctx.config, stringify({ scrape_configs: scrapeConfigs }));
    // promtool always waits its whole --timeout (it cannot tell "no more updates"), so every job runs at once;
    // loopback discovery answers in milliseconds
    ctx.results = new Map(
      served.map((s) => [
        s.job,
        run(PROMTOOL, ['check', 'service-discovery', '--timeout=5s', ctx.config!, s.job], {
          timeout: 60_000,
        }),
      ]),
    );
    // settle every run here so a failure surfaces in its own test, not as an unhandled rejection
    for (const r of ctx.results.values()) r.catch(() => {});
  });

  test.after(async (ctx) => {
    const server = ctx.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    if (ctx.dir) await rm(ctx.dir, { recursive: true, force: true });
  });

  for (const s of served) {
    test(`promtool ${s.rejectedWith ? 'rejects' : 'accepts'} ${s.job}`, async (ctx) => {
      const url = `http://127.0.0.1:${(ctx.server!.address() as AddressInfo).port}/sd/${s.job}.json`;
      const { stdout, stderr } = await ctx.results!.get(s.job)!;
      const found = JSON.parse(stdout) as { discoveredLabels: Record<string, string>; error?: unknown }[];
      if (s.rejectedWith) {
        assert.equal(found, []);
        assert.ok(stderr.includes(s.rejectedWith), `stderr: ${stderr}`);
        return;
      }
      assert.not.match(stderr, /level=error/);
      assert.equal(
        found.filter((t) => 'error' in t),
        [],
      );
      assert.equal(sortByJson(found.map((t) => t.discoveredLabels)), sortByJson(expectedTargets(s, url)));
    });
  }
}

/** What Prometheus should discover: each group's labels once per target, plus the job's own labels. */
function expectedTargets(s: Served, url: string): Record<string, string>[] {
  const groups = JSON.parse(s.body) as { labels: Record<string, string>; targets: string[] }[];
  return groups.flatMap((g) =>
    g.targets.map((address) => ({
      ...g.labels,
      __address__: address,
      __meta_url: url,
      __scheme__: 'https',
      __scrape_interval__: '1m',
      __scrape_timeout__: '55s',
      job: s.job,
    })),
  );
}

function sortByJson(labelSets: Record<string, string>[]): string[] {
  return labelSets.map((l) => JSON.stringify(Object.entries(l).sort(([a], [b]) => (a < b ? -1 : 1)))).sort();
}

test.run();
