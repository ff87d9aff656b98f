/**
 * A snapshot latest/ never pointed at (a run whose snapshot was complete when the `latest/` switch failed, as a
 * kill between the two leaves it) on both stores: `history` marks it, `diff --at` and plain `diff` follow the
 * `previousRunId` chain from latest/manifest.json and never name it.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { diffCommand } from '../../src/audit/diff-command.js';
import { historyCommand } from '../../src/audit/history-command.js';
import { KEYS } from '../../src/bucket/keys.js';
import type { Manifest } from '../../src/bucket/manifest.js';
import { parseRunId } from '../../src/bucket/run-id.js';
import { withFaults } from '../../src/store/fault-store.js';
import { waitFor } from '../helpers/poll.js';
import { type PublishStack, startPublishStack } from '../helpers/publish-stack.js';
import { printTable, runPublish } from '../helpers/reliability.js';
import { runCommand } from '../helpers/run-command.js';
import { createSimAdmin } from '../helpers/sim-admin.js';
import { readJson } from '../helpers/store-state.js';

interface Ctx {
  rows: string[][];
}

const t = suite<Ctx>('orphan snapshots');

t.before((ctx) => {
  ctx.rows = [];
});

t.after((ctx) => {
  printTable(
    process.stdout,
    'A snapshot latest/ never pointed at (the switch failed after the snapshot was complete):',
    ['store', 'bucket', 'history marks', 'diff --at now', 'diff (no argument)'],
    ctx.rows,
  );
});

async function addCluster(stack: PublishStack, name: string): Promise<void> {
  const env = stack.sim.org.environments[0];
  assert.ok(env);
  await createSimAdmin(stack.sim.url).call('POST', '/_sim/kafka-clusters', {
    environment: env.id,
    display_name: name,
  });
}

interface HistoryJson {
  latest: string | null;
  snapshots: { runId: string; orphan: boolean; latest: boolean }[];
}

/** The run id `diff --at` names: the first word of its line (then when it was current, and until when). */
const runIdOf = (stdout: string): string => stdout.split(' ')[0]?.trim() ?? '';

async function audit(stack: PublishStack) {
  const history = await runCommand(historyCommand, ['--json'], stack.env);
  assert.is(history.code, 0, history.stderr);
  const at = await runCommand(diffCommand, ['--at', new Date().toISOString()], stack.env);
  const diff = await runCommand(diffCommand, ['--json'], stack.env);
  return { history: JSON.parse(history.stdout) as HistoryJson, at, diff };
}

for (const kind of ['file', 's3'] as const) {
  t(`${kind} store: an orphan is never current`, async (ctx) => {
    const stack = await startPublishStack(kind, {
      sim: { seed: 41, environments: 2, kafkaPerEnv: 1, connectorsPerCluster: 1 },
      s3Prefix: 'orphan',
    });
    try {
      const first = await runPublish(stack.sim, stack.store);
      assert.is(first.outcome, 'published', first.error);
      const a = await readJson<Manifest>(stack.store, KEYS.latestManifest);

      // the second run's snapshot is complete, then every write of the pointer fails: latest/ stays at A
      await addCluster(stack, 'orphan-one');
      const failing = withFaults(stack.store, { op: ['put', 'create', 'replace'], key: KEYS.latestManifest });
      const second = await runPublish(stack.sim, failing);
      assert.is(second.outcome, 'failed');
      const orphans = (await stack.store.list(KEYS.snapshotsPrefix))
        .map((o) => o.key)
        .filter((k) => k.endsWith('/manifest.json') && k !== KEYS.snapshotManifest(a.runId));
      assert.is(orphans.length, 1, 'the failed run left its complete snapshot');
      const b = await readJson<Manifest>(stack.store, orphans[0]!);
      assert.ok(b.runId > a.runId);
      assert.is((await readJson<Manifest>(stack.store, KEYS.latestManifest)).runId, a.runId);

      const alone = await audit(stack);
      assert.equal(
        alone.history.snapshots.map((s) => [s.runId, s.orphan, s.latest]),
        [
          [b.runId, true, false],
          [a.runId, false, true],
        ],
      );
      assert.equal([alone.at.code, runIdOf(alone.at.stdout)], [0, a.runId]);
      assert.is(alone.diff.code, 2, alone.diff.stdout);
      assert.match(alone.diff.stderr, /SNAPSHOT_NOT_FOUND: diff needs two snapshots latest\/ pointed at/);
      ctx.rows.push([
        kind,
        `${b.runId} orphan, latest/ → ${a.runId}`,
        `${b.runId} orphan`,
        runIdOf(alone.at.stdout),
        `exit ${alone.diff.code}`,
      ]);

      // a third run switches latest/ and names A, the snapshot latest/ pointed at, as the one it replaced. It
      // starts after B's second: a run id is the next second after latest/'s, which B's may be (issue 14, item 1)
      await waitFor(
        () => (Date.now() >= (parseRunId(b.runId)?.getTime() ?? 0) + 1000 ? true : undefined),
        "the clock past the orphan's run id",
      );
      await addCluster(stack, 'orphan-two');
      const third = await runPublish(stack.sim, stack.store);
      assert.is(third.outcome, 'published', third.error);
      const c = await readJson<Manifest>(stack.store, KEYS.latestManifest);
      assert.is(c.previousRunId, a.runId);
      const after = await audit(stack);
      assert.equal(
        after.history.snapshots.map((s) => [s.runId, s.orphan]),
        [
          [c.runId, false],
          [b.runId, true],
          [a.runId, false],
        ],
      );
      assert.equal([after.at.code, runIdOf(after.at.stdout)], [0, c.runId]);
      const between = await runCommand(diffCommand, ['--at', b.createdAt], stack.env);
      assert.equal([between.code, runIdOf(between.stdout)], [0, a.runId]);
      assert.is(after.diff.code, 1, after.diff.stderr);
      const d = JSON.parse(after.diff.stdout) as { from: { runId: string }; to: { runId: string } };
      assert.equal([d.from.runId, d.to.runId], [a.runId, c.runId]);
      ctx.rows.push([
        kind,
        `latest/ → ${c.runId} (replaces ${a.runId}), ${b.runId} orphan`,
        `${b.runId} orphan`,
        `${runIdOf(after.at.stdout)} (at B's time: ${runIdOf(between.stdout)})`,
        `${d.from.runId} → ${d.to.runId}`,
      ]);
    } finally {
      await stack.cleanup();
    }
  });
}

t.run();
