/**
 * `k8s/components/signing` rendered with `kubectl kustomize`, alone and with `secrets-as-files`: the CronJob gets
 * SD_SIGNING_KEY_FILE naming the key of the Secret confluent-sd-signing mounted read-only at its directory, the
 * Deployment no signing key at all (the private half never on the server), and a key pair made with the openssl
 * commands of docs/deploy.md ("Signed manifests"), written where the kubelet would mount it, loads as the job's
 * signing key and as the auditors' verify key. Without kubectl (or openssl) the tests are skipped loudly, or fail
 * when CI=true.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadNamedParts } from '../../helpers/config.js';
import {
  containersOf,
  findKubectl,
  K8S_DIR,
  type Obj,
  podSpecOf,
  readYamlDocuments,
  renderComponents,
} from '../../helpers/k8s-manifests.js';

const kubectl = findKubectl();
const openssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const run = kubectl && openssl ? test : test.skip;
if (!kubectl || !openssl) {
  const message = `${kubectl ? 'openssl' : 'kubectl'} not found on PATH: k8s/components/signing is not rendered`;
  if (process.env.CI === 'true')
    test('kubectl and openssl are installed (required when CI=true)', () => assert.unreachable(message));
  else process.stderr.write(`\n*** SKIPPED: ${message} ***\n\n`);
}

const render = (components: string[]) => renderComponents(kubectl as string, components);

const SECRETS = readYamlDocuments(path.join(K8S_DIR, 'secrets.example.yaml'));
const podOf = (objs: Obj[], kind: string) => podSpecOf(objs.find((o) => o.kind === kind) as Obj) as Obj;

/** The signing key's path, and the Secret volume mounted at its directory. */
function signingMount(pod: Obj): { file: string; mount: Obj | undefined; volume: Obj | undefined } {
  const c = containersOf(pod)[0] as Obj;
  const file = (c.env as Obj[]).find((e) => e.name === 'SD_SIGNING_KEY_FILE')?.value as string;
  const mount = (c.volumeMounts as Obj[]).find((m) => m.mountPath === path.dirname(file ?? ''));
  const volume = (pod.volumes as Obj[]).find((v) => v.name === mount?.name);
  return { file, mount, volume };
}

for (const components of [['signing'], ['secrets-as-files', 'signing']]) {
  run(
    `${components.join(' + ')}: the CronJob reads the signing key from its Secret, the server never`,
    () => {
      const objs = render(components);
      const { file, mount, volume } = signingMount(podOf(objs, 'CronJob'));
      assert.is(file, '/var/run/secrets/confluent-sd-signing/sd-signing.pem');
      assert.ok(mount?.readOnly, 'read-only mount');
      assert.equal(volume?.secret, { secretName: 'confluent-sd-signing', defaultMode: 288 });
      const example = SECRETS.find((s) => s.metadata.name === 'confluent-sd-signing');
      assert.ok(
        example && Object.hasOwn(example.stringData, path.basename(file)),
        'a key of the example Secret',
      );
      const server = podOf(objs, 'Deployment');
      assert.not.match(JSON.stringify(server), /signing/i);
      // the component adds to the job and changes nothing else it had
      const without = podOf(render(components.filter((c) => c !== 'signing')), 'CronJob');
      const job = podOf(objs, 'CronJob');
      assert.equal(
        ((containersOf(job)[0] as Obj).env as Obj[]).filter((e) => e.name !== 'SD_SIGNING_KEY_FILE'),
        containersOf(without)[0]?.env,
      );
      assert.equal(
        (job.volumes as Obj[]).filter((v) => v.name !== 'signing-key'),
        without.volumes,
      );
    },
  );
}

run('a pair made with the documented openssl commands loads as the signing and the verify key', () => {
  const job = podOf(render(['signing']), 'CronJob');
  const { file } = signingMount(job);
  const root = mkdtempSync(path.join(os.tmpdir(), 'confluent-sd-signing-'));
  try {
    const mounted = path.join(root, file);
    mkdirSync(path.dirname(mounted), { recursive: true });
    execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', mounted]);
    const pub = path.join(root, 'sd-verify.pem');
    execFileSync('openssl', ['pkey', '-in', mounted, '-pubout', '-out', pub]);
    assert.match(readFileSync(pub, 'utf8'), /^-----BEGIN PUBLIC KEY-----\n/);
    const env = { SD_SIGNING_KEY_FILE: mounted, SD_VERIFY_KEY_FILE: pub };
    const config = loadNamedParts(env, ['signing', 'verify']);
    assert.equal(config.signing, { signingKeyFile: mounted });
    assert.equal(config.verify, { verifyKeyFile: pub });
    // the public half cannot stand in for the private one
    assert.throws(
      () => loadNamedParts({ SD_SIGNING_KEY_FILE: pub }, ['signing']),
      (err: Error) => err.message.includes(`SD_SIGNING_KEY_FILE ${pub}: not a PEM private key`),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
