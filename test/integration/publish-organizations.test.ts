/**
 * Several organisations and documents by selection (SD_CONFIG_FILE `organizations:` and `documents:`) in a
 * publish run against the simulator's two organisations, on both stores: each document holds exactly its
 * selection, with the organisation label; one organisation failing keeps the documents that include it as they
 * were while the others publish, and the run fails naming it.
 */
import { writeFile } from 'node:fs/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { diffCommand } from '../../src/audit/diff-command.js';
import type { HistoryEntry } from '../../src/audit/history.js';
import { historyCommand } from '../../src/audit/history-command.js';
import { verifyCommand } from '../../src/audit/verify-command.js';
import { KEYS } from '../../src/bucket/keys.js';
import type { Manifest } from '../../src/bucket/manifest.js';
import type { Status } from '../../src/bucket/status.js';
import { publishCommand } from '../../src/publish/command.js';
import {
  expectedTeamResources,
  type OrganizationsConfig,
  writeOrganizationsConfig,
} from '../helpers/organizations-config.js';
import { type PublishStack, startPublishStack } from '../helpers/publish-stack.js';
import { runCommand } from '../helpers/run-command.js';
import { createSimAdmin } from '../helpers/sim-admin.js';
import { listSimResources } from '../helpers/sim-resources.js';
import { readJson } from '../helpers/store-state.js';

interface Ctx {
  stack: PublishStack;
  config: OrganizationsConfig;
  first?: Manifest;
}

type Group = { targets: string[]; labels: Record<string, string> };

const publish = (c: Ctx) => {
  // the stack's own one-organisation key is not needed: the organisations bring theirs
  const { CONFLUENT_API_KEY: _k, CONFLUENT_API_SECRET: _s, ...env } = c.stack.env;
  return runCommand(publishCommand, [], { ...env, ...c.config.env });
};

/** `type:id` per document and the organisation label of each group, from latest/. */
async function readDocuments(c: Ctx, manifest: Manifest) {
  const docs: Record<string, string[]> = {};
  const orgs: Record<string, string[]> = {};
  for (const name of Object.keys(manifest.documents)) {
    const groups = await readJson<Group[]>(c.stack.store, KEYS.latestDocument(name));
    docs[name] = groups
      .map((g) => `${g.labels.confluent_resource_type}:${g.labels.confluent_resource_id}`)
      .sort();
    orgs[name] = [...new Set(groups.map((g) => g.labels.confluent_organization ?? '(none)'))].sort();
  }
  return { docs, orgs };
}

for (const kind of ['file', 's3'] as const) {
  const t = suite<Ctx>(`publish with two organisations (${kind} store)`);
  t.before(async (c) => {
    c.stack = await startPublishStack(kind, { sim: { seed: 11, organizations: 2, environments: 3 } });
    c.config = await writeOrganizationsConfig(c.stack.sim);
  });
  t.after(async (c) => {
    await c.stack.cleanup();
    await c.config.cleanup();
  });

  t('each document holds exactly its selection, labelled with its organisation', async (c) => {
    const run = await publish(c);
    assert.is(run.code, 0, run.stderr + run.stdout);
    const manifest = await readJson<Manifest>(c.stack.store, KEYS.latestManifest);
    c.first = manifest;
    const { docs, orgs } = await readDocuments(c, manifest);
    assert.equal(docs, expectedTeamResources(c.stack.sim));
    assert.equal(orgs, {
      everything: ['nonprod', 'prod'],
      'team-payments': ['prod'],
      'team-platform': ['nonprod'],
      typo: [],
    });
    assert.equal(manifest.documents['team-platform']?.selection, {
      organizations: ['nonprod'],
      environments: { exclude: ['production'] },
      resourceTypes: ['kafka', 'connector'],
    });
    assert.is(manifest.documents.everything?.selection, undefined);
    // the document's own plan settings
    assert.is(manifest.documents['team-platform']?.plan?.scrapers, 1);
    assert.is(manifest.documents.everything?.plan?.scrapers, 2);
    const [prod, nonprod] = c.stack.sim.organizations;
    assert.equal(Object.keys(manifest.resources.byOrganization ?? {}).sort(), ['nonprod', 'prod']);
    assert.is(
      manifest.resources.total,
      docs.everything!.length,
      `${prod!.org.environments.length} + ${nonprod!.org.environments.length} environments`,
    );
    // a selection that matches nothing is a warning, in the summary and the log
    assert.match(run.stdout, 'warning: typo: selection: the selection matches no resource');
    assert.match(
      run.stdout,
      'warning: typo: selection: environments include "prodction" matches no environment',
    );
    assert.ok(run.logs.some((l) => l.msg === 'document selection matches nothing' && l.document === 'typo'));
  });

  t('one organisation failing keeps the documents that include it; the others publish; exit 1', async (c) => {
    const before = c.first!;
    const prodEnv = c.stack.sim.organizations[0]!.org.environments.find(
      (e) => e.displayName === 'production',
    )!;
    await createSimAdmin(c.stack.sim.url).call('POST', '/_sim/kafka-clusters', {
      environment: prodEnv.id,
      display_name: 'payments-new',
    });
    await writeFile(c.config.secretFile, 'wrong-secret\n');
    const run = await publish(c);
    assert.is(run.code, 1, run.stdout);
    assert.match(run.stdout, /^partial: snapshot \d{8}T\d{6}Z, .*; failed: nonprod$/m);
    assert.match(
      run.stderr,
      /API_AUTH: organization nonprod failed: .*401.*; kept from the previous snapshot: everything, team-platform/,
    );
    assert.not.match(run.stderr + run.stdout, 'wrong-secret');
    const manifest = await readJson<Manifest>(c.stack.store, KEYS.latestManifest);
    assert.is.not(manifest.runId, before.runId);
    for (const name of ['everything', 'team-platform'])
      assert.equal(manifest.documents[name], before.documents[name], name);
    assert.is.not(manifest.documents['team-payments']?.sha256, before.documents['team-payments']?.sha256);
    const { docs } = await readDocuments(c, manifest);
    const now = expectedTeamResources(c.stack.sim);
    assert.equal(docs['team-payments'], now['team-payments']);
    assert.ok(docs['team-payments']!.some((k) => k.startsWith('kafka:')));
    const status = await readJson<Status>(c.stack.store, KEYS.status);
    assert.is(status.outcome, 'failed');
    assert.is(status.snapshot, manifest.runId);
    assert.match(status.error ?? '', /^organization nonprod failed: /);
  });

  t('the organisation back: everything publishes again, exit 0', async (c) => {
    const nonprod = c.stack.sim.organizations[1]!;
    await writeFile(c.config.secretFile, nonprod.apiSecret);
    const run = await publish(c);
    assert.is(run.code, 0, run.stderr + run.stdout);
    const manifest = await readJson<Manifest>(c.stack.store, KEYS.latestManifest);
    const { docs } = await readDocuments(c, manifest);
    assert.equal(docs, expectedTeamResources(c.stack.sim));
    assert.is((await readJson<Status>(c.stack.store, KEYS.status)).outcome, 'published');
  });

  t('history, diff and verify per organisation (--organization)', async (c) => {
    const audit = (cmd: typeof diffCommand, ...argv: string[]) => runCommand(cmd, argv, c.stack.env);
    const history = await audit(historyCommand, '--json', '--organization', 'prod');
    assert.is(history.code, 0, history.stderr);
    const snapshots = (JSON.parse(history.stdout) as { snapshots: HistoryEntry[] }).snapshots;
    assert.is(snapshots.length, 3);
    const prodTotal = listSimResources(c.stack.sim.organizations[0]!.org).length;
    assert.equal(snapshots[0]!.documents, ['everything', 'team-payments', 'typo']);
    assert.is(snapshots[0]!.resources?.total, prodTotal);
    const [newest, , oldest] = snapshots.map((e) => e.runId);
    // nonprod did not change between the first and the last snapshot; prod got a cluster
    const nonprod = await audit(diffCommand, '--json', '--organization', 'nonprod', oldest!, newest!);
    assert.is(nonprod.code, 0, nonprod.stdout + nonprod.stderr);
    const nonprodDocs = (
      JSON.parse(nonprod.stdout) as { documents: { name: string; to: { resources: number } }[] }
    ).documents;
    const nonprodTotal = listSimResources(c.stack.sim.organizations[1]!.org).length;
    assert.equal(
      nonprodDocs.map((d) => [d.name, d.to.resources === nonprodTotal]),
      [
        ['everything', true],
        ['team-platform', false],
      ],
    );
    const prod = await audit(diffCommand, '--json', '--organization', 'prod', oldest!, newest!);
    assert.is(prod.code, 1, prod.stderr);
    const docs = (JSON.parse(prod.stdout) as { documents: { name: string; added: { id: string }[] }[] })
      .documents;
    const added = docs.filter((d) => d.added.length > 0).map((d) => [d.name, d.added.length]);
    assert.equal(added, [
      ['everything', 1],
      ['team-payments', 1],
    ]);
    // a prod-only document altered: verify fails for prod and for all, not for nonprod
    await c.stack.store.put(KEYS.latestDocument('team-payments'), '[]\n', 'application/json');
    assert.is((await audit(verifyCommand, 'latest')).code, 1);
    assert.is((await audit(verifyCommand, '--organization', 'prod', 'latest')).code, 1);
    const clean = await audit(verifyCommand, '--organization', 'nonprod', 'latest');
    assert.is(clean.code, 0, clean.stdout);
  });

  t('a dry run counts each organisation, and fails naming one that failed', async (c) => {
    const { CONFLUENT_API_KEY: _k, CONFLUENT_API_SECRET: _s, ...env } = c.stack.env;
    const dry = () => runCommand(publishCommand, ['--dry-run'], { ...env, ...c.config.env });
    const [prod, nonprod] = c.stack.sim.organizations.map((o) => listSimResources(o.org).length);
    const ok = await dry();
    assert.is(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, `organizations: nonprod ${nonprod}, prod ${prod}\n`);
    await writeFile(c.config.secretFile, 'wrong-secret\n');
    const failed = await dry();
    assert.is(failed.code, 1, failed.stdout);
    assert.match(
      failed.stderr,
      /API_AUTH: organization nonprod failed: .*; the documents above lack its resources/,
    );
    await writeFile(c.config.secretFile, c.stack.sim.organizations[1]!.apiSecret);
  });

  t.run();
}
