/**
 * `verify` that cannot pass by accident, on both stores: an empty store and a typo'd SD_STORE fail naming the
 * store; three signed snapshots pass (chain back to the first run); a document rewritten together with its
 * manifest's sha256 passes the hashes but not the signature; a latest/ that disagrees with its snapshot fails; a
 * middle snapshot deleted by hand breaks the chain, while one `prune` removed (and recorded) does not.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { pruneCommand } from '../../src/audit/prune-command.js';
import { verifyCommand } from '../../src/audit/verify-command.js';
import { canonicalJson, sha256 } from '../../src/bucket/canonical.js';
import { KEYS } from '../../src/bucket/keys.js';
import type { Manifest } from '../../src/bucket/manifest.js';
import type { Env } from '../../src/config/vars.js';
import { publishCommand } from '../../src/publish/command.js';
import type { StoredObject } from '../../src/store/store.js';
import { eventually } from '../helpers/poll.js';
import { type PublishStack, startPublishStack } from '../helpers/publish-stack.js';
import { runCommand } from '../helpers/run-command.js';
import { createSimAdmin } from '../helpers/sim-admin.js';
import { readJson } from '../helpers/store-state.js';

interface Report {
  store: string;
  problems: { key: string; kind: string; message: string }[];
  chain: { runIds: string[]; pruned: string[]; complete: boolean } | null;
  signatures: string;
}

type Ctx = { ctx: PublishStack; keyDir: string; env: Env; runs: Manifest[] };

async function writeKeys(dir: string): Promise<{ signing: string; verify: string }> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const signing = path.join(dir, 'signing.pem');
  const verify = path.join(dir, 'verify.pem');
  await writeFile(signing, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  await writeFile(verify, publicKey.export({ type: 'spki', format: 'pem' }));
  return { signing, verify };
}

for (const kind of ['file', 's3'] as const) {
  const t = suite<Ctx>(`verify (${kind} store)`);
  t.before(async (s) => {
    s.ctx = await startPublishStack(kind, {
      sim: { seed: 5, environments: 1, kafkaPerEnv: 1, connectorsPerCluster: 1, customConnectorsPerEnv: 0 },
      env: { SD_API_TIMEOUT_MS: '2000', SD_GROUP_BY: 'resource' },
      s3Prefix: 'sd/prod',
    });
    s.keyDir = await mkdtemp(path.join(os.tmpdir(), 'sd-keys-'));
    const keys = await writeKeys(s.keyDir);
    s.env = { ...s.ctx.env, SD_SIGNING_KEY_FILE: keys.signing, SD_VERIFY_KEY_FILE: keys.verify };
    s.runs = [];
  });
  t.after(async (s) => {
    await s.ctx.cleanup();
    await rm(s.keyDir, { recursive: true, force: true });
  });
  const verify = async (s: Ctx, env: Env = s.env, ...argv: string[]) => {
    const r = await runCommand(verifyCommand, ['--json', ...argv], env);
    return { code: r.code, report: JSON.parse(r.stdout || '{}') as Report, stderr: r.stderr };
  };
  const kinds = (r: Report) => r.problems.map((p) => [p.kind, p.key]);

  t('an empty store fails, naming the store it looked in', async (s) => {
    const r = await runCommand(verifyCommand, [], s.env);
    assert.is(r.code, 1, r.stderr);
    const where = kind === 'file' ? `file:${s.ctx.env.SD_STORE!.slice(5)}` : 's3://';
    assert.match(r.stdout, `EMPTY latest/manifest.json: nothing published in ${where}`);
    assert.match(
      r.stdout,
      /no latest\/manifest\.json and no snapshot under snapshots\/ \(is SD_STORE right\?\)/,
    );
    assert.is((await runCommand(verifyCommand, ['latest'], s.env)).code, 1);
  });

  t('three signed snapshots: every check passes, the chain reaches the first run', async (s) => {
    const admin = createSimAdmin(s.ctx.sim.url);
    const env = s.ctx.sim.org.environments[0]!;
    for (const name of ['one', 'two', 'three']) {
      await admin.call('PATCH', `/_sim/environments/${env.id}`, { display_name: `verify-${name}` });
      const p = await runCommand(publishCommand, [], s.env);
      assert.is(p.code, 0, p.stderr);
      s.runs.push(await readJson<Manifest>(s.ctx.store, KEYS.latestManifest));
    }
    const ids = s.runs.map((m) => m.runId).reverse();
    for (const id of ids) await s.ctx.store.head(`${KEYS.snapshotManifest(id)}.sig`);
    const { code, report } = await verify(s);
    assert.is(code, 0, JSON.stringify(report.problems));
    assert.equal(report.chain, { runIds: ids, pruned: [], complete: true });
    assert.is(report.signatures, 'checked');
    // an unchanged run rewrites latest/manifest.json (checkedAt) and signs it again
    const sigBefore = (await s.ctx.store.get(`${KEYS.latestManifest}.sig`)).body.toString();
    const unchanged = await runCommand(publishCommand, [], s.env);
    assert.match(unchanged.stdout, /^unchanged/, unchanged.stderr);
    assert.not.equal((await s.ctx.store.get(`${KEYS.latestManifest}.sig`)).body.toString(), sigBefore);
    assert.is((await verify(s)).code, 0);
  });

  t("a typo'd store prefix fails, naming the store", async (s) => {
    const typo =
      kind === 'file'
        ? { SD_STORE: `${s.ctx.env.SD_STORE}-typo` }
        : { SD_STORE: 's3://'.concat(s.ctx.s3!.bucket, '/sd/prdo') };
    const r = await runCommand(verifyCommand, [], { ...s.env, ...typo });
    assert.is(r.code, 1, r.stdout);
    const store = typo.SD_STORE.replace(/^file:/, '');
    assert.ok(`${r.stdout}${r.stderr}`.includes(store), `${r.stdout}${r.stderr}`);
  });

  t('a document rewritten with its manifest passes the hashes, not the signature', async (s) => {
    const m = s.runs[1]!;
    const name = Object.keys(m.documents).sort()[0]!;
    const docKey = KEYS.snapshotDocument(m.runId, name);
    const saved = await s.ctx.store.get(docKey);
    const savedManifest = await s.ctx.store.get(KEYS.snapshotManifest(m.runId));
    const forged = saved.body.toString('utf8').replace('verify-two', 'verify-2wo');
    assert.not.equal(forged, saved.body.toString('utf8'));
    const entry = { ...m.documents[name]!, sha256: sha256(forged), bytes: Buffer.byteLength(forged) };
    const forgedManifest = canonicalJson({ ...m, documents: { ...m.documents, [name]: entry } });
    await s.ctx.store.put(docKey, forged, 'application/json');
    await s.ctx.store.put(KEYS.snapshotManifest(m.runId), forgedManifest, 'application/json');
    try {
      // without the public key the forgery passes: hashes alone cannot tell
      const unsigned = await verify(s, { ...s.env, SD_VERIFY_KEY_FILE: '' });
      assert.is(unsigned.code, 0, JSON.stringify(unsigned.report.problems));
      assert.is(unsigned.report.signatures, 'unchecked');
      const { code, report } = await verify(s);
      assert.is(code, 1);
      assert.equal(kinds(report), [['signature', `${KEYS.snapshotManifest(m.runId)}.sig`]]);
      assert.match(report.problems[0]!.message, /does not match the manifest's bytes/);
    } finally {
      await restore(s, [saved, savedManifest]);
    }
  });

  t('latest/ disagreeing with the snapshot it names fails', async (s) => {
    const saved = await s.ctx.store.get(KEYS.latestManifest);
    const latest = JSON.parse(saved.body.toString('utf8')) as Manifest;
    const resources = { ...latest.resources, total: latest.resources.total + 1 };
    await s.ctx.store.put(KEYS.latestManifest, canonicalJson({ ...latest, resources }), 'application/json');
    try {
      const { code, report } = await verify(s);
      assert.is(code, 1);
      assert.equal(kinds(report), [
        ['mismatch', KEYS.latestManifest],
        ['signature', `${KEYS.latestManifest}.sig`],
      ]);
      assert.match(report.problems[0]!.message, `differs from ${KEYS.snapshotManifest(latest.runId)}`);
      assert.is((await runCommand(verifyCommand, ['latest'], s.env)).code, 1);
    } finally {
      await restore(s, [saved]);
    }
  });

  t('a middle snapshot deleted by hand breaks the chain; one prune removed does not', async (s) => {
    const [first, middle, last] = s.runs as [Manifest, Manifest, Manifest];
    const saved: StoredObject[] = [];
    for (const o of await s.ctx.store.list(KEYS.snapshotPrefix(middle.runId))) {
      saved.push(await s.ctx.store.get(o.key));
      await s.ctx.store.delete(o.key);
    }
    const broken = await verify(s);
    assert.is(broken.code, 1);
    assert.equal(kinds(broken.report), [['chain', KEYS.snapshotManifest(middle.runId)]]);
    assert.match(broken.report.problems[0]!.message, /prune recorded no removal/);
    assert.equal(broken.report.chain, { runIds: [last.runId], pruned: [], complete: false });
    await restore(s, saved);
    assert.is((await verify(s)).code, 0);

    // --keep-days 0 removes what is older than now: once the clock has passed the first run's second. Which of the
    // middle and the last is "newest" depends on the store's write times (ids of runs in one second run ahead)
    const pruned = await eventually(
      async () => {
        const r = await runCommand(pruneCommand, ['--keep-days', '0', '--json'], s.env);
        assert.is(r.code, 0, r.stderr);
        const removed = (JSON.parse(r.stdout) as { remove: { runId: string }[] }).remove.map((x) => x.runId);
        assert.ok(removed.includes(first.runId), r.stdout);
        return removed;
      },
      { timeoutMs: 10_000 },
    );
    for (const runId of pruned) {
      const m = s.runs.find((x) => x.runId === runId)!;
      const record = await readJson<Record<string, unknown>>(s.ctx.store, `pruned/${runId}.json`);
      const manifest =
        runId === middle.runId ? saved.find((o) => o.key.endsWith('manifest.json'))!.body : null;
      assert.equal(
        { ...record, prunedAt: 'x', manifestSha256: manifest ? record.manifestSha256 : 'x' },
        {
          createdAt: m.createdAt,
          kind: 'pruned',
          manifestSha256: manifest ? sha256(manifest) : 'x',
          previousRunId: m.previousRunId,
          prunedAt: 'x',
          runId,
          schemaVersion: 1,
        },
      );
      assert.equal(await s.ctx.store.list(KEYS.snapshotPrefix(runId)), []);
    }
    const { code, report } = await verify(s);
    assert.is(code, 0, JSON.stringify(report.problems));
    assert.equal(report.chain, {
      runIds: [last.runId, middle.runId, first.runId],
      pruned: [middle.runId, first.runId].filter((id) => pruned.includes(id)),
      complete: true,
    });
  });

  t.run();
}

async function restore(s: Ctx, objects: StoredObject[]): Promise<void> {
  for (const o of objects) await s.ctx.store.put(o.key, o.body, o.contentType);
}
