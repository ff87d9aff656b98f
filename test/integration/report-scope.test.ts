/**
 * `report --organization NAME` and the report's time range by "current at a time", on both stores: three
 * snapshots of the simulator's two organisations (prod gains a cluster twice; the third run fails for nonprod and
 * publishes prod's documents, a partial run), a refused run of the whole job, then the Markdown report per
 * organisation; `history --runs --organization` refused; and the range and points by each snapshot's switch of
 * `latest/` (run-log records whose `switchedAt` is hours after `createdAt`), not by its createdAt.
 */
import { writeFile } from 'node:fs/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { historyCommand } from '../../src/audit/history-command.js';
import { reportCommand } from '../../src/audit/report-command.js';
import { canonicalJson } from '../../src/bucket/canonical.js';
import { KEYS } from '../../src/bucket/keys.js';
import type { Manifest } from '../../src/bucket/manifest.js';
import { type RunRecord, readRunLog, runRecordKey } from '../../src/bucket/run-log.js';
import { publishCommand } from '../../src/publish/command.js';
import { type OrganizationsConfig, writeOrganizationsConfig } from '../helpers/organizations-config.js';
import { type PublishStack, startPublishStack } from '../helpers/publish-stack.js';
import { runCommand } from '../helpers/run-command.js';
import { runRecordAt } from '../helpers/run-log.js';
import { createSimAdmin } from '../helpers/sim-admin.js';
import { readJson } from '../helpers/store-state.js';

interface Ctx {
  stack: PublishStack;
  config: OrganizationsConfig;
  runs: Manifest[];
}

const REFUSAL = 'resources dropped from 25 to 7 (more than SD_MAX_SHRINK 0.5)';
const HOUR = 3_600_000;

const putRecord = (c: Ctx, r: RunRecord) =>
  c.stack.store.put(runRecordKey(r.startedAt, r.attemptId), canonicalJson(r), 'application/json');

async function publishThree(c: Ctx): Promise<void> {
  const { CONFLUENT_API_KEY: _k, CONFLUENT_API_SECRET: _s, ...env } = c.stack.env;
  const admin = createSimAdmin(c.stack.sim.url);
  const prodEnv = c.stack.sim.organizations[0]!.org.environments.find((e) => e.displayName === 'production')!;
  const nonprodSecret = c.stack.sim.organizations[1]!.apiSecret;
  for (const n of [0, 1, 2]) {
    if (n > 0)
      await admin.call('POST', '/_sim/kafka-clusters', { environment: prodEnv.id, display_name: `new-${n}` });
    if (n === 2) await writeFile(c.config.secretFile, 'wrong-secret\n');
    const run = await runCommand(publishCommand, [], { ...env, ...c.config.env });
    assert.is(run.code, n === 2 ? 1 : 0, run.stderr + run.stdout);
    c.runs.push(await readJson<Manifest>(c.stack.store, KEYS.latestManifest));
  }
  await writeFile(c.config.secretFile, nonprodSecret);
  // a guard refusal concerns the whole job, so every organisation
  await putRecord(
    c,
    runRecordAt(new Date(Date.parse(c.runs[2]!.createdAt) - 200), {
      outcome: 'refused',
      exitCode: 3,
      error: { code: 'GUARD_SHRINK', message: REFUSAL },
      snapshot: c.runs[2]!.runId,
    }),
  );
}

/** The Markdown report's "Resources over time" rows: snapshot, became current, until, total. */
function snapshotRows(md: string): string[][] {
  const section = md.slice(md.indexOf('## Resources over time'), md.indexOf('## Changes'));
  return section
    .split('\n')
    .filter((l) => /^\| \d{8}T\d{6}Z /.test(l))
    .map((l) =>
      l
        .split(' | ')
        .map((cell) => cell.replace(/^\| | \|$/g, ''))
        .slice(0, 4),
    );
}

const total = (m: Manifest, org: string) => String(m.resources.byOrganization?.[org]?.total);

for (const kind of ['file', 's3'] as const) {
  const t = suite<Ctx>(`report per organisation and by switch time (${kind} store)`);
  t.before(async (c) => {
    c.stack = await startPublishStack(kind, {
      sim: { seed: 11, organizations: 2, environments: 3 },
      s3Prefix: 'report-scope',
    });
    c.config = await writeOrganizationsConfig(c.stack.sim);
    c.runs = [];
    await publishThree(c);
  });
  t.after(async (c) => {
    await c.stack.cleanup();
    await c.config.cleanup();
  });

  const report = (c: Ctx, ...argv: string[]) =>
    runCommand(reportCommand, ['--format', 'markdown', ...argv], c.stack.env);

  t('--organization prod: its resources, its changes, the runs that concern it', async (c) => {
    const [a, b, cc] = c.runs as [Manifest, Manifest, Manifest];
    const r = await report(c, '--organization', 'prod');
    assert.is(r.code, 0, r.stderr);
    const md = r.stdout;
    assert.match(md, 'Organisation prod only: ');
    assert.equal(
      snapshotRows(md).map(([id, , , n]) => [id, n]),
      [a, b, cc].map((m) => [m.runId, total(m, 'prod')]),
    );
    assert.ok(Number(total(b, 'prod')) > Number(total(a, 'prod')));
    assert.match(md, `### ${a.runId} → ${b.runId}`);
    assert.match(md, '1 added, 0 removed, 0 relabelled');
    assert.not.match(md, '0 added, 0 removed, 0 relabelled');
    // the partial run failed for nonprod only: for prod it published
    assert.match(md, `| refused | GUARD\\_SHRINK: ${REFUSAL.replace(/_/g, '\\_')} | ${cc.runId} |`);
    assert.not.match(md, 'organization nonprod failed');
    assert.match(md, '**ok**: every object matches its manifest');
  });

  t('--organization nonprod: nothing of prod changed it, its failure listed', async (c) => {
    const [a, b, cc] = c.runs as [Manifest, Manifest, Manifest];
    const r = await report(c, '--organization', 'nonprod');
    assert.is(r.code, 0, r.stderr);
    const md = r.stdout;
    // the partial snapshot kept nonprod's documents from b, and says so with b's counts
    assert.equal(
      snapshotRows(md).map(([id, , , n]) => [id, n]),
      [a, b, cc].map((m) => [m.runId, total(m, 'nonprod')]),
    );
    assert.is(cc.resources.byOrganization?.nonprod?.keptFrom, b.runId);
    assert.is(total(cc, 'nonprod'), total(b, 'nonprod'));
    assert.not.match(md, /[1-9] added/);
    assert.match(md, /\| published \(exit 1\) \| API\\_AUTH: organization nonprod failed: /);
    assert.match(md, '| refused | GUARD');
    // for all: every snapshot's total, both runs
    const all = await report(c);
    assert.equal(
      snapshotRows(all.stdout).map(([id, , , n]) => [id, n]),
      [a, b, cc].map((m) => [m.runId, String(m.resources.total)]),
    );
    assert.match(all.stdout, 'organization nonprod failed');
    assert.not.match(all.stdout, 'Organisation ');
  });

  t('verify problems of a prod-only document are in prod report only', async (c) => {
    const key = KEYS.latestDocument('team-payments');
    const original = (await c.stack.store.get(key)).body;
    await c.stack.store.put(key, '[]\n', 'application/json');
    try {
      const prod = await report(c, '--organization', 'prod');
      assert.match(prod.stdout, '**1 problem**');
      assert.match(prod.stdout, 'latest/team-payments.json');
      const nonprod = await report(c, '--organization', 'nonprod');
      assert.match(nonprod.stdout, '**ok**: every object matches its manifest');
    } finally {
      await c.stack.store.put(key, original, 'application/json');
    }
  });

  t('history --runs --organization is refused with a reason, not ignored', async (c) => {
    const r = await runCommand(historyCommand, ['--runs', '--organization', 'prod'], c.stack.env);
    assert.is(r.code, 2, r.stdout);
    assert.match(
      r.stderr,
      'USAGE: --organization cannot select runs: one attempt discovers every organisation',
    );
    assert.is(r.stdout, '');
  });

  t('the range and the points go by the switch of latest/, not by createdAt', async (c) => {
    const [a, b, cc] = c.runs as [Manifest, Manifest, Manifest];
    const base = Date.parse(a.createdAt);
    const switched = [a, b, cc].map((_, i) => new Date(base + (i + 1) * HOUR).toISOString());
    const log = await readRunLog(c.stack.store);
    for (const e of log.entries)
      if (e.kind === 'run' && e.outcome === 'published')
        await c.stack.store.delete(runRecordKey(e.startedAt, e.attemptId));
    for (const [i, m] of [a, b, cc].entries()) {
      const startedAt = new Date(
        m.runId.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'),
      );
      await putRecord(c, runRecordAt(startedAt, { snapshot: m.runId, switchedAt: switched[i]! }));
    }
    const iso = (ms: number) => new Date(ms).toISOString();
    // every createdAt is before the range; a and b were current in it
    const mid = await report(c, '--from', iso(base + 1.5 * HOUR), '--to', iso(base + 2.5 * HOUR));
    assert.is(mid.code, 0, mid.stderr);
    assert.equal(
      snapshotRows(mid.stdout).map((row) => row.slice(0, 3)),
      [
        [a.runId, switched[0], switched[1]],
        [b.runId, switched[1], switched[2]],
      ],
    );
    assert.match(mid.stdout, `### ${a.runId} → ${b.runId} (${switched[1]})`);
    assert.not.match(mid.stdout, `→ ${cc.runId}`);
    // every createdAt is in this range, but no snapshot had become current yet
    const early = await report(c, '--from', iso(base - 1000), '--to', iso(base + 0.5 * HOUR));
    assert.is(early.code, 0, early.stderr);
    assert.match(early.stdout, 'No snapshot in this range.');
  });

  t.run();
}
