/**
 * The auditors' tools against both stores: publish from the simulator, change the organisation through its admin
 * API (add a cluster, rename an environment, remove a connector), publish again; then history, diff, verify and
 * prune read the bucket alone.
 */

import { readdir, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { diffCommand } from '../../src/audit/diff-command.js';
import { historyCommand } from '../../src/audit/history-command.js';
import { pruneCommand } from '../../src/audit/prune-command.js';
import { verifyCommand } from '../../src/audit/verify-command.js';
import { canonicalJson } from '../../src/bucket/canonical.js';
import { KEYS } from '../../src/bucket/keys.js';
import type { Manifest } from '../../src/bucket/manifest.js';
import { type RunRecord, readRunLog } from '../../src/bucket/run-log.js';
import { RESOURCE_TYPES } from '../../src/discovery/resource.js';
import { publishCommand } from '../../src/publish/command.js';
import type { SimKafkaCluster } from '../../src/simulator/org.js';
import { type PublishStack, type StoreKind, startPublishStack } from '../helpers/publish-stack.js';
import { runCommand } from '../helpers/run-command.js';
import { createSimAdmin } from '../helpers/sim-admin.js';
import { readJson, storeState } from '../helpers/store-state.js';

type Ctx = PublishStack;

const setUp = (kind: StoreKind) =>
  startPublishStack(kind, {
    // no custom connectors: a budget of 2 requests a minute fits the packed plan of one metrics path
    sim: { seed: 11, environments: 2, kafkaPerEnv: 1, connectorsPerCluster: 2, customConnectorsPerEnv: 0 },
    env: { SD_API_TIMEOUT_MS: '2000' },
    s3Prefix: 'audit',
  });

type Labels = Record<string, string>;
type RawGroup = { labels: Labels; targets: string[] };

/** Public labels of a raw group with the prefix removed, read without the code under test. */
function publicLabels(g: RawGroup, prefix: string): Labels {
  const out: Labels = {};
  for (const [k, v] of Object.entries(g.labels))
    if (!k.startsWith('__')) out[k.startsWith(prefix) ? k.slice(prefix.length) : k] = v;
  return out;
}

const byTypeThenId = (a: { type: string; id: string }, b: { type: string; id: string }) =>
  RESOURCE_TYPES.indexOf(a.type as never) - RESOURCE_TYPES.indexOf(b.type as never) ||
  (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

interface Change {
  added: SimKafkaCluster;
  renamedEnv: { id: string; from: string; to: string };
  addedEnv: { id: string; name: string };
  removedConnector: string;
}

async function expectedDiff(ctx: Ctx, a: Manifest, b: Manifest, change: Change) {
  const documents = [];
  for (const name of Object.keys(b.documents).sort()) {
    const entry = b.documents[name]!;
    const raw = (await readJson<RawGroup[]>(ctx.store, KEYS.snapshotDocument(a.runId, name))).map((g) =>
      publicLabels(g, entry.prefix),
    );
    const removed = raw.find((l) => l.instance === change.removedConnector)!;
    const changed = raw
      .filter((l) => l.environment_id === change.renamedEnv.id)
      .map((l) => ({
        type: l.resource_type!,
        id: l.instance!,
        labels: [{ name: 'environment_name', from: change.renamedEnv.from, to: change.renamedEnv.to }],
      }))
      .sort(byTypeThenId);
    const c = change.added;
    const info = {
      name,
      targets: entry.targets,
      prefix: entry.prefix,
      paramStyle: 'underscore',
      groupBy: 'plan',
      metricsPath: '/v2/metrics/cloud/export',
    };
    documents.push({
      name,
      status: 'changed',
      from: { ...info, resources: a.resources.total },
      to: { ...info, resources: b.resources.total },
      settings: [],
      added: [
        {
          type: 'kafka',
          id: c.id,
          labels: {
            cloud_provider: c.cloud.toLowerCase(),
            cluster_name: 'audit-new',
            environment_id: change.addedEnv.id,
            environment_name: change.addedEnv.name,
            instance: c.id,
            region: c.region,
            resource_id: c.id,
            resource_type: 'kafka',
          },
        },
      ],
      removed: [{ type: 'connector', id: change.removedConnector, labels: removed }],
      changed,
      summary: `1 added, 1 removed, ${changed.length} changed`,
    });
  }
  return {
    from: { runId: a.runId, createdAt: a.createdAt },
    to: { runId: b.runId, createdAt: b.createdAt },
    identical: false,
    totals: {
      resourcesAdded: 1,
      resourcesRemoved: 1,
      resourcesChanged: documents[0]!.changed.length,
      documentsDiffering: 2,
    },
    documents,
  };
}

for (const kind of ['file', 's3'] as const) {
  const t = suite<{ ctx: Ctx; a: Manifest; b: Manifest; change: Change }>(`audit tools (${kind} store)`);
  t.before(async (s) => {
    s.ctx = await setUp(kind);
  });
  t.after(async (s) => {
    await s.ctx.cleanup();
  });
  const run = (s: { ctx: Ctx }, cmd: typeof diffCommand, ...argv: string[]) =>
    runCommand(cmd, argv, s.ctx.env);

  t('publish, change the organisation, publish again', async (s) => {
    const first = await run(s, publishCommand);
    assert.is(first.code, 0, first.stderr);
    s.a = await readJson<Manifest>(s.ctx.store, KEYS.latestManifest);

    const admin = createSimAdmin(s.ctx.sim.url);
    const [env0, env1] = s.ctx.sim.org.environments;
    assert.ok(env0 && env1);
    const connector = env0.kafkaClusters[0]?.connectors[0]?.id;
    assert.ok(connector);
    const renamedFrom = env1.displayName;
    const added = await admin.call<SimKafkaCluster>('POST', '/_sim/kafka-clusters', {
      environment: env0.id,
      display_name: 'audit-new',
    });
    await admin.call('PATCH', `/_sim/environments/${env1.id}`, { display_name: 'renamed-by-audit' });
    await admin.call('DELETE', `/_sim/resources/${connector}`);
    s.change = {
      added,
      renamedEnv: { id: env1.id, from: renamedFrom, to: 'renamed-by-audit' },
      addedEnv: { id: env0.id, name: env0.displayName },
      removedConnector: connector,
    };

    const second = await run(s, publishCommand);
    assert.is(second.code, 0, second.stderr);
    s.b = await readJson<Manifest>(s.ctx.store, KEYS.latestManifest);
    assert.is(s.b.previousRunId, s.a.runId);
  });

  t('diff reports exactly those changes (default: the two newest), exit 1', async (s) => {
    const expected = await expectedDiff(s.ctx, s.a, s.b, s.change);
    assert.ok(expected.totals.resourcesChanged > 0);
    const d = await run(s, diffCommand, '--json');
    assert.is(d.code, 1, d.stderr);
    assert.equal(JSON.parse(d.stdout), expected);
    assert.is(d.stdout, canonicalJson(expected));
    for (const argv of [[s.a.runId, s.b.runId], [s.a.runId, 'latest'], [s.a.runId]]) {
      const again = await run(s, diffCommand, '--json', ...argv);
      assert.is(again.code, 1, argv.join(' '));
      assert.is(again.stdout, d.stdout, argv.join(' '));
    }
  });

  t('diff text: a summary line per document, then + - ~ lines', async (s) => {
    const d = await run(s, diffCommand);
    assert.is(d.code, 1);
    const lines = d.stdout.trimEnd().split('\n');
    const changed = (await expectedDiff(s.ctx, s.a, s.b, s.change)).totals.resourcesChanged;
    assert.equal(lines.slice(0, 3), [
      `${s.a.runId} → ${s.b.runId}: 2 documents differ; resources: 1 added, 1 removed, ${changed} changed`,
      `confluent--api.telemetry.confluent.cloud: 1 added, 1 removed, ${changed} changed`,
      `noprefix--api.telemetry.confluent.cloud: 1 added, 1 removed, ${changed} changed`,
    ]);
    assert.is(lines.filter((l) => l.startsWith('  ~ ')).length, 2 * changed);
    assert.ok(lines.includes(`  + kafka ${s.change.added.id} (audit-new)`));
    assert.ok(lines.some((l) => l.startsWith(`  - connector ${s.change.removedConnector} (`)));
    assert.ok(
      lines.some((l) =>
        l.endsWith(`environment_name: ${JSON.stringify(s.change.renamedEnv.from)} → "renamed-by-audit"`),
      ),
    );
  });

  t('diff of a snapshot with itself is identical, exit 0; --at names the current snapshot', async (s) => {
    const same = await run(s, diffCommand, s.b.runId, 'latest');
    assert.is(same.code, 0, same.stderr);
    assert.match(same.stdout, new RegExp(`^${s.b.runId} → ${s.b.runId}: identical\n`));
    assert.ok(s.b.createdAt > s.a.createdAt);
    // current from the recorded switch of latest/, which comes after createdAt, until the next switch
    const [switchA, switchB] = [await switchOf(s.ctx, s.a.runId), await switchOf(s.ctx, s.b.runId)];
    assert.ok(switchA >= s.a.createdAt && switchB >= s.b.createdAt && switchB > switchA);
    const justBefore = new Date(Date.parse(switchB) - 1).toISOString();
    const fromA = `${s.a.runId}  current from ${switchA} (latest/ switched to it) until ${switchB} (replaced by ${s.b.runId})\n`;
    assert.is((await run(s, diffCommand, '--at', switchA)).stdout, fromA);
    assert.is((await run(s, diffCommand, '--at', justBefore)).stdout, fromA);
    assert.is(
      (await run(s, diffCommand, '--at', switchB)).stdout,
      `${s.b.runId}  current from ${switchB} (latest/ switched to it) until now\n`,
    );
    const json = await run(s, diffCommand, '--at', '2999-01-01T00:00:00Z', '--json');
    assert.equal(JSON.parse(json.stdout), {
      at: '2999-01-01T00:00:00.000Z',
      createdAt: s.b.createdAt,
      from: { source: 'switch', time: switchB },
      replacedBy: null,
      runId: s.b.runId,
      stillCurrent: true,
      until: null,
    });
    const before = await run(s, diffCommand, '--at', '2000-01-01');
    assert.is(before.code, 2);
    assert.match(before.stderr, /SNAPSHOT_NOT_FOUND: no snapshot .* was current at 2000-01-01T00:00:00.000Z/);
  });

  t('bad arguments exit 2', async (s) => {
    const cases: [typeof diffCommand, string[], RegExp][] = [
      [diffCommand, ['nonsense'], /USAGE: "nonsense" is not a run id/],
      [diffCommand, ['a', 'b', 'c'], /USAGE: diff takes at most two snapshots/],
      [diffCommand, ['--at', 'noon'], /USAGE: --at: "noon" is not an ISO 8601 time/],
      [diffCommand, ['--at', '2025-01-01', s.a.runId], /USAGE: --at takes no snapshot arguments/],
      [
        diffCommand,
        ['20000101T000000Z', 'latest'],
        /SNAPSHOT_NOT_FOUND: read snapshot 20000101T000000Z in .*: does not exist/,
      ],
      [historyCommand, ['--since', 'last week'], /USAGE: --since: "last week"/],
      [verifyCommand, ['20000101T000000Z'], /SNAPSHOT_NOT_FOUND/],
      [verifyCommand, ['bogus'], /USAGE/],
      [pruneCommand, [], /USAGE: --keep-days N is required/],
      [pruneCommand, ['--keep-days', '-1'], /USAGE/],
    ];
    for (const [cmd, argv, want] of cases) {
      const r = await run(s, cmd, ...argv);
      assert.is(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, want, argv.join(' '));
      assert.is(r.stdout, '', argv.join(' '));
    }
  });

  t('history lists both snapshots newest first', async (s) => {
    const switches = new Map([
      [s.a.runId, await switchOf(s.ctx, s.a.runId)],
      [s.b.runId, await switchOf(s.ctx, s.b.runId)],
    ]);
    const h = await run(s, historyCommand, '--json');
    assert.is(h.code, 0, h.stderr);
    const entry = (m: Manifest, latest: boolean) => ({
      runId: m.runId,
      createdAt: m.createdAt,
      previousRunId: m.previousRunId,
      resources: { total: m.resources.total, byType: m.resources.byType },
      documents: Object.keys(m.documents).sort(),
      latest,
      orphan: false,
      current: {
        from: switches.get(m.runId),
        fromSource: 'switch',
        until: latest ? null : switches.get(s.b.runId),
      },
      checkedAt: latest ? m.checkedAt : null,
      toolVersion: m.toolVersion,
      error: null,
      errorCode: null,
    });
    assert.equal(JSON.parse(h.stdout), {
      latest: s.b.runId,
      snapshots: [entry(s.b, true), entry(s.a, false)],
    });
    const text = await run(s, historyCommand);
    const lines = text.stdout.trimEnd().split('\n');
    assert.is(lines.length, 2);
    assert.match(
      lines[0]!,
      new RegExp(
        `^${s.b.runId}  ${s.b.createdAt}  ${s.b.resources.total} resources \\(.*kafka ${s.b.resources.byType.kafka}.*\\)  2 documents  replaces ${s.a.runId}  current ${switches.get(s.b.runId)} → now  latest, checked ${s.b.checkedAt}$`,
      ),
    );
    assert.match(
      lines[1]!,
      new RegExp(
        `^${s.a.runId}  ${s.a.createdAt}  .*  first  current ${switches.get(s.a.runId)} → ${switches.get(s.b.runId)}$`,
      ),
    );
    const since = await run(s, historyCommand, '--json', '--since', s.b.createdAt);
    assert.equal(
      (JSON.parse(since.stdout) as { snapshots: { runId: string }[] }).snapshots.map((x) => x.runId),
      [s.b.runId],
    );
    const until = await run(s, historyCommand, '--json', '--until', s.a.createdAt);
    assert.equal(
      (JSON.parse(until.stdout) as { snapshots: { runId: string }[] }).snapshots.map((x) => x.runId),
      [s.a.runId],
    );
  });

  t('an orphan (a complete snapshot latest/ never pointed at) is never current', async (s) => {
    // as a run leaves it that was killed after its snapshot manifest, before the latest/ switch
    const orphan = '20980101T000000Z';
    const keys: string[] = [];
    for (const name of Object.keys(s.b.documents)) {
      for (const key of [KEYS.snapshotDocument, KEYS.snapshotInfo]) {
        const body = await s.ctx.store.get(key(s.b.runId, name));
        keys.push(key(orphan, name));
        await s.ctx.store.put(key(orphan, name), body.body, body.contentType);
      }
    }
    const createdAt = '2098-01-01T00:00:30.000Z';
    keys.unshift(KEYS.snapshotManifest(orphan));
    await s.ctx.store.put(
      KEYS.snapshotManifest(orphan),
      canonicalJson({ ...s.b, runId: orphan, createdAt, checkedAt: createdAt, previousRunId: s.b.runId }),
      'application/json',
    );
    try {
      const h = await run(s, historyCommand, '--json');
      const snapshots = (JSON.parse(h.stdout) as { snapshots: { runId: string; orphan: boolean }[] })
        .snapshots;
      assert.equal(
        snapshots.map((x) => [x.runId, x.orphan]),
        [
          [orphan, true],
          [s.b.runId, false],
          [s.a.runId, false],
        ],
      );
      const text = await run(s, historyCommand);
      assert.match(
        text.stdout,
        new RegExp(`^${orphan}  .*  replaces ${s.b.runId}  orphan: latest/ never pointed at it$`, 'm'),
      );
      assert.match(
        (await run(s, diffCommand, '--at', '2099-01-01T00:00:00Z')).stdout,
        new RegExp(`^${s.b.runId}  current from .* until now\n$`),
      );
      const d = await run(s, diffCommand, '--json');
      assert.is(d.code, 1, d.stderr);
      const pair = JSON.parse(d.stdout) as { from: { runId: string }; to: { runId: string } };
      assert.equal([pair.from.runId, pair.to.runId], [s.a.runId, s.b.runId]);
      const one = await run(s, diffCommand, '--json', s.a.runId);
      assert.is(one.stdout, d.stdout);
      // named by run id it still compares
      assert.is((await run(s, diffCommand, s.b.runId, orphan)).code, 0);
    } finally {
      for (const key of keys) await s.ctx.store.delete(key);
      const dir = s.ctx.env.SD_STORE?.replace(/^file:/, '');
      if (kind === 'file' && dir) await rmdir(path.join(dir, 'snapshots', orphan));
    }
  });

  t('verify passes, then catches a tampered object and a missing one', async (s) => {
    const ok = await run(s, verifyCommand, '--json');
    assert.is(ok.code, 0, ok.stdout);
    assert.equal(JSON.parse(ok.stdout), {
      checked: [
        { scope: `snapshots/${s.b.runId}`, documents: 2 },
        { scope: `snapshots/${s.a.runId}`, documents: 2 },
        { scope: 'latest', documents: 2 },
      ],
      chain: { complete: true, pruned: [], runIds: [s.b.runId, s.a.runId] },
      incomplete: [],
      offChain: [],
      problems: [],
      signatures: 'unchecked',
      store: s.ctx.store.location,
    });
    const [doc1, doc2] = Object.keys(s.b.documents).sort();
    const tampered = KEYS.snapshotDocument(s.b.runId, doc1!);
    const original = await s.ctx.store.get(tampered);
    await s.ctx.store.put(
      tampered,
      original!.body.toString().replace('"kafka"', '"kafkb"'),
      'application/json',
    );
    await s.ctx.store.delete(KEYS.latestDocument(doc2!));
    const bad = await run(s, verifyCommand, '--json');
    assert.is(bad.code, 1);
    const problems = (JSON.parse(bad.stdout) as { problems: { key: string; kind: string }[] }).problems;
    assert.equal(
      problems.map((p) => [p.key, p.kind]),
      [
        [tampered, 'mismatch'],
        [KEYS.latestDocument(doc2!), 'missing'],
      ],
    );
    const text = await run(s, verifyCommand, 'latest');
    assert.is(text.code, 1);
    assert.match(
      text.stdout,
      new RegExp(`MISSING ${KEYS.latestDocument(doc2!)}: listed in the manifest but missing`),
    );
    assert.match(
      text.stdout,
      new RegExp(
        `MISMATCH ${tampered}: sha256 [0-9a-f]{64} \\(\\d+ bytes\\), manifest says ${s.b.documents[doc1!]!.sha256}`,
      ),
    );
    assert.is((await run(s, verifyCommand, s.a.runId)).code, 0);
    // put things back for the tests that follow
    await s.ctx.store.put(tampered, original!.body, 'application/json');
    const latestCopy = await s.ctx.store.get(KEYS.snapshotDocument(s.b.runId, doc2!));
    await s.ctx.store.put(KEYS.latestDocument(doc2!), latestCopy!.body, 'application/json');
    assert.is((await run(s, verifyCommand)).code, 0);
  });

  t('a manifest of a newer schema and a folder without a manifest exit 2 with a clear message', async (s) => {
    const future = '20000102T000000Z';
    await s.ctx.store.put(
      KEYS.snapshotManifest(future),
      JSON.stringify({ ...s.a, runId: future, schemaVersion: 99 }),
      'application/json',
    );
    await s.ctx.store.put(KEYS.snapshotDocument('20000103T000000Z', 'leftover'), '[]', 'application/json');
    for (const [cmd, argv] of [
      [diffCommand, [future, 'latest']],
      [verifyCommand, [future]],
    ] as const) {
      const r = await run(s, cmd, ...argv);
      assert.is(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        /SCHEMA_UNSUPPORTED: read .*snapshots\/20000102T000000Z\/manifest\.json: schema version 99 is newer than this tool understands \(1\); upgrade confluent-sd/,
      );
    }
    const missing = await run(s, diffCommand, '20000103T000000Z', 'latest');
    assert.is(missing.code, 2);
    assert.match(
      missing.stderr,
      /SNAPSHOT_NOT_FOUND: read snapshot 20000103T000000Z in .*: has no manifest \(1 objects without one/,
    );
    const h = await run(s, historyCommand);
    assert.is(h.code, 2);
    assert.match(h.stdout, /\n20000102T000000Z {2}unreadable: .*schema version 99/);
  });

  t('prune --keep-days 0 keeps the latest and the newest; --dry-run removes nothing', async (s) => {
    // a newer snapshot that latest/ does not point to (as after a publish that failed at the pointer switch)
    const newer = '20990101T000000Z';
    for (const name of Object.keys(s.b.documents)) {
      const body = await s.ctx.store.get(KEYS.snapshotDocument(s.b.runId, name));
      await s.ctx.store.put(KEYS.snapshotDocument(newer, name), body.body, 'application/json');
      const info = await s.ctx.store.get(KEYS.snapshotInfo(s.b.runId, name));
      await s.ctx.store.put(KEYS.snapshotInfo(newer, name), info.body, 'text/plain');
    }
    await s.ctx.store.put(
      KEYS.snapshotManifest(newer),
      canonicalJson({ ...s.b, runId: newer, previousRunId: s.b.runId }),
      'application/json',
    );

    const before = await storeState(s.ctx.store, 'snapshots/');
    const dry = await run(s, pruneCommand, '--keep-days', '0', '--dry-run', '--json');
    assert.is(dry.code, 0, dry.stderr);
    const plan = JSON.parse(dry.stdout) as {
      remove: { runId: string }[];
      kept: { runId: string; reason: string }[];
    };
    assert.equal(
      plan.remove.map((r) => r.runId),
      [s.a.runId, '20000103T000000Z', '20000102T000000Z'],
    );
    assert.equal(plan.kept, [
      { runId: newer, reason: 'newest' },
      { runId: s.b.runId, reason: 'latest' },
    ]);
    assert.equal(await storeState(s.ctx.store, 'snapshots/'), before);

    const keepAll = await run(s, pruneCommand, '--keep-days', '36500');
    assert.is(keepAll.code, 0);
    assert.match(keepAll.stdout, /^removed 0 snapshots/m);

    const pruned = await run(s, pruneCommand, '--keep-days', '0');
    assert.is(pruned.code, 0, pruned.stderr);
    assert.match(pruned.stdout, new RegExp(`^removed ${s.a.runId} \\(5 objects\\)$`, 'm'));
    const left = new Set((await s.ctx.store.list('snapshots/')).map((o) => o.key.split('/')[1]));
    assert.equal([...left].sort(), [s.b.runId, newer]);
    if (kind === 'file') {
      // the emptied folders go too (an object store has none)
      const dir = s.ctx.env.SD_STORE!.replace(/^file:/, '');
      assert.equal((await readdir(path.join(dir, 'snapshots'))).sort(), [s.b.runId, newer]);
    }
    const h = await run(s, historyCommand, '--json');
    assert.equal(
      (JSON.parse(h.stdout) as { snapshots: { runId: string }[] }).snapshots.map((x) => x.runId),
      [newer, s.b.runId],
    );
    const v = await run(s, verifyCommand);
    assert.is(v.code, 0, v.stdout);
  });

  t(
    'a refused run and the --force run after it are in history --runs, with the guard and the reason',
    async (s) => {
      const admin = createSimAdmin(s.ctx.sim.url);
      const envs = s.ctx.sim.org.environments.map((e) => e.id);
      for (const id of envs.slice(1)) await admin.call('DELETE', `/_sim/resources/${id}`);
      // a stricter guard than the default, so one environment fewer is refused
      const strict = { ...s.ctx.env, SD_MAX_SHRINK: '0.1' };
      const refused = await runCommand(publishCommand, [], strict);
      assert.is(refused.code, 3, refused.stderr);
      const forced = await runCommand(publishCommand, ['--force'], strict);
      assert.is(forced.code, 0, forced.stderr);
      const pointer = await readJson<Manifest>(s.ctx.store, KEYS.latestManifest);
      const guard =
        /^GUARD_SHRINK: resources dropped from \d+ to \d+ \(\d+% > SD_MAX_SHRINK 10%\); published anyway \(--force\)$/;
      assert.match(pointer.forced?.reason ?? '', guard);
      assert.equal(pointer.organizationIds, [s.ctx.sim.org.organizationId]);
      assert.equal(pointer.apiKeyIds, [s.ctx.env.CONFLUENT_API_KEY]);

      const h = await run(s, historyCommand, '--runs', '--json');
      assert.is(h.code, 0, h.stderr);
      const { runs, problems } = JSON.parse(h.stdout) as { runs: RunRecord[]; problems: unknown[] };
      assert.equal(problems, []);
      assert.equal(
        runs.map((r) => [r.outcome, r.exitCode, r.error?.code ?? null, r.forced !== null, r.snapshot]),
        [
          ['published', 0, null, true, pointer.runId],
          ['refused', 3, 'GUARD_SHRINK', false, s.b.runId],
          ['published', 0, null, false, s.b.runId],
          ['published', 0, null, false, s.a.runId],
        ],
      );
      assert.equal(runs[0]?.forced?.reason, pointer.forced?.reason);
      assert.equal(runs[0]?.organizationIds, [s.ctx.sim.org.organizationId]);
      assert.not.ok(h.stdout.includes('sim-secret'));

      const text = (await run(s, historyCommand, '--runs')).stdout.trimEnd().split('\n');
      assert.is(text.length, 4);
      assert.match(
        text[0]!,
        new RegExp(
          `  published  exit 0  forced: GUARD_SHRINK: resources dropped from .*  snapshot ${pointer.runId}  switched `,
        ),
      );
      assert.match(
        text[1]!,
        / {2}refused {2}exit 3 {2}GUARD_SHRINK: resources dropped from \d+ to \d+ .*refusing to publish/,
      );
    },
  );

  t.run();
}

/** The switch time the run log records for a snapshot (read as an auditor would: the published record). */
async function switchOf(ctx: Ctx, runId: string): Promise<string> {
  const { entries } = await readRunLog(ctx.store);
  const r = entries.find((e) => e.kind === 'run' && e.outcome === 'published' && e.snapshot === runId);
  assert.ok(r?.kind === 'run' && r.switchedAt, `a published record of ${runId}`);
  return r.switchedAt;
}

/**
 * A regrouping through the simulator: one run grouped by resource, then the default plan with a budget of 2 requests
 * a minute (which forces packing), then a cluster added under the same plan, then back to the resource grouping.
 * `diff` reports the regroupings as such and the added cluster alone.
 */
const regroup = suite<{ ctx: Ctx; runs: Manifest[]; added: SimKafkaCluster }>(
  'diff across a regrouping (file store)',
);

regroup.before(async (s) => {
  s.ctx = await setUp('file');
  s.runs = [];
});
regroup.after(async (s) => {
  await s.ctx.cleanup();
});

/** Resource key → where a raw document scrapes it (instance, shard, interval) and whether it shares its group. */
function placementsOf(groups: RawGroup[], prefix: string): Map<string, { place: string; packed: boolean }> {
  const out = new Map<string, { place: string; packed: boolean }>();
  for (const g of groups) {
    const keys = Object.entries(g.labels)
      .filter(([name]) => /^__param_resource_.+_id$/.test(name))
      .flatMap(([name, ids]) => ids.split(',').map((id) => `${name.slice(17, -3)} ${id}`));
    const place = [g.labels.instance, g.labels[`${prefix}shard`] ?? '', g.labels.__scrape_interval__ ?? ''];
    for (const key of keys) out.set(key, { place: place.join('|'), packed: keys.length > 1 });
  }
  return out;
}

function groupingOf(entry: Manifest['documents'][string]) {
  const p = entry.plan;
  return {
    groupBy: entry.groupBy,
    groups: entry.groups,
    intervalSeconds: p?.intervalSeconds ?? null,
    requestsPerMinute: p?.requestsPerMinute ?? null,
    budgetPerMinute: p?.budgetPerMinute ?? null,
    degraded: p?.degraded ?? null,
    shards: p?.shards ?? null,
    reason: p?.reason ?? null,
  };
}

const groupsText = (n: number) => `${n} group${n === 1 ? '' : 's'}`;

/** The expected diff of two runs of the same resources, grouped differently: every document regrouped, nothing else. */
async function expectedRegrouping(ctx: Ctx, a: Manifest, b: Manifest) {
  const documents = [];
  for (const name of Object.keys(b.documents).sort()) {
    const [x, y] = [a.documents[name]!, b.documents[name]!];
    const before = placementsOf(
      await readJson<RawGroup[]>(ctx.store, KEYS.snapshotDocument(a.runId, name)),
      x.prefix,
    );
    const after = placementsOf(
      await readJson<RawGroup[]>(ctx.store, KEYS.snapshotDocument(b.runId, name)),
      y.prefix,
    );
    const moved = [...before].filter(
      ([key, p]) => after.has(key) && after.get(key)?.place !== p.place,
    ).length;
    const side = (m: Manifest, groupBy: string) => ({
      name,
      targets: x.targets,
      prefix: x.prefix,
      paramStyle: 'underscore',
      groupBy,
      metricsPath: '/v2/metrics/cloud/export',
      resources: m.resources.total,
    });
    const describe = (e: typeof x) =>
      `${e.groupBy} ${groupsText(e.groups)}${e.plan ? ` (${e.plan.requestsPerMinute} requests/min, budget ${e.plan.budgetPerMinute})` : ''}`;
    documents.push({
      name,
      status: 'regrouped',
      from: side(a, x.groupBy),
      to: side(b, y.groupBy),
      settings: [],
      regrouped: { from: groupingOf(x), to: groupingOf(y), moved },
      added: [],
      removed: [],
      changed: [],
      summary: `regrouped ${describe(x)} → ${describe(y)}, ${moved} resource${moved === 1 ? '' : 's'} moved`,
    });
  }
  return {
    from: { runId: a.runId, createdAt: a.createdAt },
    to: { runId: b.runId, createdAt: b.createdAt },
    identical: false,
    totals: {
      resourcesAdded: 0,
      resourcesRemoved: 0,
      resourcesChanged: 0,
      documentsDiffering: documents.length,
    },
    documents,
  };
}

async function publishWith(
  s: { ctx: Ctx; runs: Manifest[] },
  env: Record<string, string>,
): Promise<Manifest> {
  const r = await runCommand(publishCommand, [], { ...s.ctx.env, ...env });
  assert.is(r.code, 0, r.stderr);
  const m = await readJson<Manifest>(s.ctx.store, KEYS.latestManifest);
  assert.is(m.previousRunId, s.runs.at(-1)?.runId ?? null);
  s.runs.push(m);
  return m;
}

const PACKED_ENV = { SD_SCRAPE_BUDGET: '2' };

regroup('resource grouping, then a packed plan: diff --json says regrouped and nothing else', async (s) => {
  const a = await publishWith(s, { SD_GROUP_BY: 'resource' });
  const b = await publishWith(s, PACKED_ENV);
  for (const entry of Object.values(b.documents)) {
    assert.is(entry.groupBy, 'plan');
    assert.ok(entry.groups < b.resources.total, `${entry.groups} groups for ${b.resources.total} resources`);
    assert.ok(entry.plan && entry.plan.largestGroup.resources > 1 && entry.plan.budgetPerMinute === 2);
  }
  const expected = await expectedRegrouping(s.ctx, a, b);
  assert.ok(expected.documents.every((d) => d.regrouped.moved > 0));
  const d = await runCommand(diffCommand, ['--json'], s.ctx.env);
  assert.is(d.code, 1, d.stderr);
  assert.equal(JSON.parse(d.stdout), expected);
  assert.is(d.stdout, canonicalJson(expected));
  const text = await runCommand(diffCommand, [], s.ctx.env);
  assert.equal(text.stdout.trimEnd().split('\n').slice(0, 3), [
    `${a.runId} → ${b.runId}: 2 documents differ (2 regrouped); resources: 0 added, 0 removed, 0 changed`,
    ...expected.documents.map((doc) => `${doc.name}: ${doc.summary}`),
  ]);
  assert.not.match(text.stdout, /^ {2}[-+~] /m);
});

regroup('history shows the plan of the packed snapshot only', async (s) => {
  const [a, b] = s.runs as [Manifest, Manifest];
  const h = await runCommand(historyCommand, ['--json'], s.ctx.env);
  assert.is(h.code, 0, h.stderr);
  const snapshots = (JSON.parse(h.stdout) as { snapshots: { runId: string; plan?: unknown }[] }).snapshots;
  const brief = (e: Manifest['documents'][string]) => ({
    groups: e.groups,
    requestsPerMinute: e.plan?.requestsPerMinute,
    budgetPerMinute: 2,
    degraded: 'none',
    shards: 1,
  });
  assert.equal(
    snapshots.map((e) => [e.runId, e.plan]),
    [
      [b.runId, Object.fromEntries(Object.entries(b.documents).map(([name, e]) => [name, brief(e)]))],
      [a.runId, undefined],
    ],
  );
  const doc = Object.values(b.documents)[0]!;
  const text = await runCommand(historyCommand, [], s.ctx.env);
  assert.match(
    text.stdout.split('\n')[0]!,
    new RegExp(
      `  2 documents  plan ${groupsText(doc.groups)}, ${doc.plan?.requestsPerMinute}/2 requests/min  replaces ${a.runId}  current \\S+ → now  latest`,
    ),
  );
});

regroup('a cluster added under the same plan: exactly that cluster added', async (s) => {
  const b = s.runs[1]!;
  const env0 = s.ctx.sim.org.environments[0]!;
  s.added = await createSimAdmin(s.ctx.sim.url).call<SimKafkaCluster>('POST', '/_sim/kafka-clusters', {
    environment: env0.id,
    display_name: 'audit-regrouped',
  });
  const c = await publishWith(s, PACKED_ENV);
  const d = await runCommand(diffCommand, ['--json', b.runId, c.runId], s.ctx.env);
  assert.is(d.code, 1, d.stderr);
  const diff = JSON.parse(d.stdout) as { totals: unknown; documents: Record<string, unknown>[] };
  assert.equal(diff.totals, {
    documentsDiffering: 2,
    resourcesAdded: 1,
    resourcesChanged: 0,
    resourcesRemoved: 0,
  });
  for (const doc of diff.documents) {
    const entry = c.documents[doc.name as string]!;
    const groups = await readJson<RawGroup[]>(
      s.ctx.store,
      KEYS.snapshotDocument(c.runId, doc.name as string),
    );
    const own = placementsOf(groups, entry.prefix).get(`kafka ${s.added.id}`);
    assert.ok(own);
    const cluster = s.added;
    assert.equal(doc.added, [
      {
        id: cluster.id,
        labels: {
          cloud_provider: cluster.cloud.toLowerCase(),
          cluster_name: 'audit-regrouped',
          environment_id: env0.id,
          environment_name: env0.displayName,
          // in a packed group the instance names the group, not the cluster
          ...(own.packed ? {} : { instance: cluster.id }),
          region: cluster.region,
          resource_id: cluster.id,
          resource_type: 'kafka',
        },
        type: 'kafka',
      },
    ]);
    assert.equal([doc.removed, doc.changed, doc.settings, doc.status], [[], [], [], 'changed']);
  }
});

regroup('back to the resource grouping: regrouped again, no label changed', async (s) => {
  const c = s.runs[2]!;
  const d = await publishWith(s, { SD_GROUP_BY: 'resource' });
  const r = await runCommand(diffCommand, ['--json', c.runId, 'latest'], s.ctx.env);
  assert.is(r.code, 1, r.stderr);
  assert.equal(JSON.parse(r.stdout), await expectedRegrouping(s.ctx, c, d));
  // the first and the last snapshot involve no plan: the cluster added, as diff always said
  const whole = await runCommand(diffCommand, ['--json', s.runs[0]!.runId, d.runId], s.ctx.env);
  const docs = (JSON.parse(whole.stdout) as { documents: { summary: string; regrouped?: unknown }[] })
    .documents;
  assert.equal(
    docs.map((doc) => [doc.summary, doc.regrouped]),
    [
      ['1 added, 0 removed, 0 changed', undefined],
      ['1 added, 0 removed, 0 changed', undefined],
    ],
  );
});

regroup.run();
