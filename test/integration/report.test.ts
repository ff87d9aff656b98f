/**
 * `report`, and the CSV of `history` and `diff`: three snapshots from the simulator (one with hostile labels), a
 * refused and a forced run written into the run log as the publisher writes them, then the report. The HTML is
 * loaded in a real headless chromium: no console error, no request leaves the file, one chart point per snapshot
 * and type, the hostile labels shown as text; a screenshot goes to test-artifacts/. Markdown and CSV on both stores.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { diffCommand } from '../../src/audit/diff-command.js';
import { historyCommand } from '../../src/audit/history-command.js';
import { reportCommand } from '../../src/audit/report-command.js';
import { canonicalJson } from '../../src/bucket/canonical.js';
import { KEYS } from '../../src/bucket/keys.js';
import type { Manifest } from '../../src/bucket/manifest.js';
import { runRecordKey } from '../../src/bucket/run-log.js';
import { publishCommand } from '../../src/publish/command.js';
import { CHROMIUM_ARGS, CHROMIUM_BIN, hasChromium } from '../helpers/browser.js';
import { type PublishStack, startPublishStack } from '../helpers/publish-stack.js';
import { runCommand } from '../helpers/run-command.js';
import { runRecordAt } from '../helpers/run-log.js';
import { createSimAdmin } from '../helpers/sim-admin.js';
import { readJson } from '../helpers/store-state.js';

const HOSTILE_ENV = `<img src="https://example.invalid/x.png" onerror="alert(1)">"'&`;
const HOSTILE_CLUSTER = '<script>alert(2)</script>=cmd|calc';
const REFUSAL = 'resources dropped from 25 to 7 (more than SD_MAX_SHRINK 0.5)';

type Ctx = { ctx: PublishStack; dir: string; runs: Manifest[] };

async function publishThree(s: Ctx): Promise<void> {
  const admin = createSimAdmin(s.ctx.sim.url);
  const env = s.ctx.sim.org.environments[0]!;
  const steps = [
    async () => {},
    async () => {
      await admin.call('PATCH', `/_sim/environments/${env.id}`, { display_name: HOSTILE_ENV });
      await admin.call('POST', '/_sim/kafka-clusters', {
        environment: env.id,
        display_name: HOSTILE_CLUSTER,
      });
    },
    async () => {
      const connector = env.kafkaClusters[0]?.connectors[0]?.id;
      await admin.call('DELETE', `/_sim/resources/${connector}`);
    },
  ];
  for (const step of steps) {
    await step();
    const p = await runCommand(publishCommand, [], s.ctx.env);
    assert.is(p.code, 0, p.stderr);
    s.runs.push(await readJson<Manifest>(s.ctx.store, KEYS.latestManifest));
  }
  const [, second, third] = s.runs as [Manifest, Manifest, Manifest];
  const refused = runRecordAt(new Date(Date.parse(third.createdAt) - 60_000), {
    outcome: 'refused',
    exitCode: 3,
    error: { code: 'GUARD_SHRINK', message: REFUSAL },
    snapshot: second.runId,
  });
  const forced = runRecordAt(new Date(Date.parse(third.createdAt) - 30_000), {
    forced: { reason: REFUSAL },
    snapshot: third.runId,
  });
  for (const r of [refused, forced])
    await s.ctx.store.put(runRecordKey(r.startedAt, r.attemptId), canonicalJson(r), 'application/json');
}

for (const kind of ['file', 's3'] as const) {
  const t = suite<Ctx>(`report (${kind} store)`);
  t.before(async (s) => {
    s.ctx = await startPublishStack(kind, {
      sim: { seed: 9, environments: 1, kafkaPerEnv: 1, connectorsPerCluster: 2, customConnectorsPerEnv: 0 },
      env: { SD_API_TIMEOUT_MS: '2000', SD_GROUP_BY: 'resource' },
      s3Prefix: 'report',
    });
    s.dir = await mkdtemp(path.join(os.tmpdir(), 'sd-report-'));
    s.runs = [];
    await publishThree(s);
  });
  t.after(async (s) => {
    await s.ctx.cleanup();
    await rm(s.dir, { recursive: true, force: true });
  });

  t('markdown: every change, the refused and the forced run with their reason, verify ok', async (s) => {
    const r = await runCommand(reportCommand, ['--format', 'markdown'], s.ctx.env);
    assert.is(r.code, 0, r.stderr);
    const md = r.stdout;
    const [a, b, c] = s.runs as [Manifest, Manifest, Manifest];
    assert.match(md, `### ${a.runId} → ${b.runId}`);
    assert.match(md, `### ${b.runId} → ${c.runId}`);
    assert.match(md, '**ok**: every object matches its manifest');
    const reason = REFUSAL.replace(/_/g, '\\_');
    assert.match(md, `| refused | GUARD\\_SHRINK: ${reason} | ${b.runId} |`);
    assert.match(md, `| published (forced) | forced past: ${reason} | ${c.runId} |`);
    // hostile labels are text: no raw tag, no table cell broken by "|"
    assert.not.match(md, '<script>');
    assert.not.match(md, '<img');
    assert.match(md, '&lt;script&gt;alert(2)&lt;/script&gt;=cmd\\|calc');
  });

  t('history and diff --format csv', async (s) => {
    const [a, b, c] = s.runs as [Manifest, Manifest, Manifest];
    const h = await runCommand(historyCommand, ['--format', 'csv'], s.ctx.env);
    assert.is(h.code, 0, h.stderr);
    const lines = h.stdout.split('\r\n');
    assert.ok(lines[0]!.startsWith('runId,createdAt,previousRunId,latest,orphan,checkedAt,total,'), lines[0]);
    assert.equal(
      lines.slice(1, 4).map((l) => l.split(',').slice(0, 3)),
      [
        [c.runId, c.createdAt, b.runId],
        [b.runId, b.createdAt, a.runId],
        [a.runId, a.createdAt, ''],
      ],
    );
    const d = await runCommand(diffCommand, ['--format', 'csv', a.runId, b.runId], s.ctx.env);
    assert.is(d.code, 1, d.stderr);
    const rows = d.stdout.trimEnd().split('\r\n');
    assert.is(rows[0], 'from,to,document,change,type,id,name,label,old,new');
    // a cell a spreadsheet would run as a formula is quoted out; a quote is doubled
    assert.ok(
      rows.some((l) => l.includes(`,added,kafka,`) && l.includes(',<script>alert(2)</script>=cmd|calc,')),
    );
    assert.ok(
      rows.some((l) => l.includes(`,environment_name,`) && l.includes(`"<img src=""https://example.invalid`)),
    );
    const bad = await runCommand(historyCommand, ['--format', 'xml'], s.ctx.env);
    assert.is(bad.code, 2);
    assert.match(bad.stderr, 'USAGE: --format must be text, json or csv, got "xml"');
  });

  if (kind === 'file') {
    const name = 'the HTML loads in chromium: no console error, no request, one point per snapshot';
    if (hasChromium(t, [name])) t(name, (s) => checkInBrowser(s));
  }
  t.run();
}

async function checkInBrowser(s: Ctx): Promise<void> {
  const out = path.join(s.dir, 'report.html');
  const r = await runCommand(reportCommand, ['--out', out], s.ctx.env);
  assert.is(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    `report written to ${out}: 3 snapshots, 2 changes, 2 failed, refused or forced runs, verify ok`,
  );
  const html = await readFile(out, 'utf8');
  assert.not.match(html, /<script/i);
  const url = pathToFileURL(out).href;
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM_BIN,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warn') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.setRequestInterception(true);
    page.on('request', (req) => {
      if (req.url() === url) void req.continue();
      else {
        requests.push(req.url());
        void req.abort();
      }
    });
    await page.setViewport({ width: 1100, height: 900 });
    await page.goto(url, { waitUntil: 'load' });
    assert.equal(errors, []);
    assert.equal(requests, []);
    const types = Object.keys(s.runs[2]!.resources.byType).sort();
    const points = await page.$$eval('svg.chart circle.point', (cs) =>
      cs.map((c) => c.getAttribute('data-type')),
    );
    assert.equal(
      types.map((t) => points.filter((p) => p === t).length),
      types.map(() => 3),
    );
    assert.is(points.length, 3 * types.length);
    assert.is(await page.$$eval('script, img, iframe', (els) => els.length), 0);
    const text = await page.$eval('body', (b) => b.textContent ?? '');
    assert.ok(text.includes(HOSTILE_CLUSTER), 'the hostile cluster name is shown as text');
    // a label change is printed as JSON strings, as diff does
    assert.ok(text.includes(JSON.stringify(HOSTILE_ENV)), 'the hostile environment name is shown as text');
    assert.ok(text.includes(`GUARD_SHRINK: ${REFUSAL}`));
    assert.ok(text.includes(`forced past: ${REFUSAL}`));
    // the publisher's own records of the three runs add to these once it writes the run log
    assert.match(
      (await page.$eval('#attempts', (e) => e.textContent)) ?? '',
      /^\d+ attempts in the run log: \d+ published, 1 refused\.$/,
    );
    assert.is(await page.$$eval('svg.chart', (els) => els.length), types.length);
    assert.is(
      await page.$eval('#verify-result', (e) => e.textContent),
      'ok: every object matches its manifest',
    );
    const artefacts = path.resolve(process.env.TEST_ARTIFACTS ?? 'test-artifacts');
    await mkdir(artefacts, { recursive: true });
    await page.screenshot({ path: path.join(artefacts, 'report.png'), fullPage: true });
  } finally {
    await browser.close();
  }
}
