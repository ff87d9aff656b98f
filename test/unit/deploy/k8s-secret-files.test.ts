/**
 * `k8s/components/secrets-as-files` rendered with `kubectl kustomize`: the job and the server get no credential as
 * an environment variable any more, each `<name>_FILE` names the key of the Secret mounted at that directory, and
 * the program's own config loads from such files (the example Secrets written out where the volumes would be).
 * Without kubectl the tests are skipped loudly, or fail when CI=true.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
const run = kubectl ? test : test.skip;
if (!kubectl) {
  const message = 'kubectl not found on PATH: k8s/components/secrets-as-files is not rendered';
  if (process.env.CI === 'true')
    test('kubectl is installed (required when CI=true)', () => assert.unreachable(message));
  else process.stderr.write(`\n*** SKIPPED: ${message} ***\n\n`);
}

const render = () => renderComponents(kubectl as string, ['secrets-as-files']);

const SECRETS = readYamlDocuments(path.join(K8S_DIR, 'secrets.example.yaml'));
const CREDENTIALS = [
  'CONFLUENT_API_KEY',
  'CONFLUENT_API_SECRET',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
];

/**
 * The container's environment (its ConfigMap and env entries) with each Secret volume written out under `root` (as the kubelet would mount it)
 * and each `_FILE` path moved there; literal values as they are.
 */
function envWithMountedFiles(objs: Obj[], pod: Obj, container: Obj, root: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const map = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === from.configMapRef?.name);
    Object.assign(env, map?.data);
  }
  const moved = new Map<string, string>();
  for (const mount of container.volumeMounts ?? []) {
    const secretName = (pod.volumes as Obj[]).find((v) => v.name === mount.name)?.secret?.secretName;
    const secret = SECRETS.find((s) => s.metadata.name === secretName);
    if (!secret) continue;
    const dir = path.join(root, mount.mountPath);
    mkdirSync(dir, { recursive: true });
    moved.set(mount.mountPath, dir);
    for (const [key, value] of Object.entries(secret.stringData as Record<string, string>)) {
      writeFileSync(path.join(dir, key), `${value}\n`);
    }
  }
  for (const e of container.env ?? []) {
    const mountPath = [...moved.keys()].find((m) => String(e.value).startsWith(`${m}/`));
    env[e.name] = mountPath ? String(e.value).replace(mountPath, moved.get(mountPath) as string) : e.value;
  }
  return env;
}

run('no credential is an environment variable; each _FILE names a key of a mounted Secret', () => {
  const objs = render();
  for (const [kind, name] of [
    ['CronJob', 'confluent-sd-publish'],
    ['Deployment', 'confluent-sd-server'],
  ] as const) {
    const workload = objs.find((o) => o.kind === kind && o.metadata.name === name) as Obj;
    const pod = podSpecOf(workload) as Obj;
    for (const c of containersOf(pod)) {
      const names = (c.env as Obj[]).map((e) => e.name);
      assert.equal(
        names.filter((n) => CREDENTIALS.includes(n)),
        [],
        `${name}: ${names}`,
      );
      assert.ok(!(c.env as Obj[]).some((e) => e.valueFrom?.secretKeyRef), `${name}: a secretKeyRef is left`);
      for (const e of (c.env as Obj[]).filter(
        (e) => e.name.endsWith('_FILE') && e.name !== 'SD_BEARER_TOKEN_FILE',
      )) {
        const mount = (c.volumeMounts as Obj[]).find((m) => path.dirname(e.value) === m.mountPath);
        assert.ok(mount?.readOnly, `${name} ${e.name}: under a read-only mount`);
        const volume = (pod.volumes as Obj[]).find((v) => v.name === mount?.name);
        const secret = SECRETS.find((s) => s.metadata.name === volume?.secret?.secretName);
        assert.ok(
          secret && Object.hasOwn(secret.stringData, path.basename(e.value)),
          `${name} ${e.name}: a key of ${volume?.secret?.secretName}`,
        );
        assert.is(volume?.secret?.defaultMode, 288, `${name} ${e.name}: 0440`);
      }
    }
  }
});

run('the job and the server load their configuration from the mounted files', () => {
  const objs = render();
  const root = mkdtempSync(path.join(os.tmpdir(), 'confluent-sd-mounted-'));
  try {
    const job = podSpecOf(objs.find((o) => o.kind === 'CronJob') as Obj) as Obj;
    const jobEnv = envWithMountedFiles(objs, job, containersOf(job)[0] as Obj, root);
    const jobConfig = loadNamedParts(jobEnv, ['confluent', 'store']);
    assert.equal(
      [jobConfig.confluent.apiKey, jobConfig.confluent.apiSecret],
      ['REPLACE_WITH_CLOUD_API_KEY', 'REPLACE_WITH_CLOUD_API_SECRET'],
    );
    assert.equal(jobConfig.store.kind === 's3' && jobConfig.store.credentials, {
      accessKeyId: 'REPLACE_WITH_READ_WRITE_ACCESS_KEY_ID',
      secretAccessKey: 'REPLACE_WITH_READ_WRITE_SECRET_ACCESS_KEY',
    });
    const server = podSpecOf(objs.find((o) => o.kind === 'Deployment') as Obj) as Obj;
    const serverEnv = envWithMountedFiles(objs, server, containersOf(server)[0] as Obj, root);
    const serverConfig = loadNamedParts(serverEnv, ['store']);
    assert.equal(serverConfig.store.kind === 's3' && serverConfig.store.credentials, {
      accessKeyId: 'REPLACE_WITH_READ_ONLY_ACCESS_KEY_ID',
      secretAccessKey: 'REPLACE_WITH_READ_ONLY_SECRET_ACCESS_KEY',
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
