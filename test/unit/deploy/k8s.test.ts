/**
 * k8s/ (kustomize base): every object is valid against the Kubernetes schemas (kubernetes-models), the
 * kustomization lists exactly the manifest files, every env variable is one the program reads, every
 * reference (ConfigMap, Secret key, ServiceAccount) resolves, and each pod's env is accepted by the config parts.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Env } from '../../../src/config/vars.js';
import { ENV_VARIABLES } from '../../../src/config-parts.js';
import { loadNamedParts } from '../../helpers/config.js';
import {
  containersOf,
  findObject,
  isKubernetesObject,
  K8S_DIR,
  listYamlFiles,
  type Manifest,
  type Obj,
  PROMETHEUS_DIR,
  podSpecOf,
  readManifests,
  readYaml,
  readYamlDocuments,
} from '../../helpers/k8s-manifests.js';

interface ModelClass {
  apiVersion: string;
  kind: string;
  new (data: never): { validate(): void };
}

// Every kind the base may hold. A new kind must be added here, so it is validated too.
const MODELS: ModelClass[] = [
  ConfigMap,
  CronJob,
  Deployment,
  NetworkPolicy,
  PodDisruptionBudget,
  Secret,
  Service,
  ServiceAccount,
] as unknown as ModelClass[];

const manifests = readManifests(K8S_DIR);
const where = (m: Manifest) => `k8s/${m.file}#${m.index} ${m.obj.kind}/${m.obj.metadata.name}`;

test('k8s/ holds the expected objects', () => {
  const kinds = manifests.map((m) => `${m.obj.kind}/${m.obj.metadata.name}`).sort();
  assert.equal(kinds, [
    'ConfigMap/confluent-sd',
    'CronJob/confluent-sd-publish',
    'Deployment/confluent-sd-server',
    'NetworkPolicy/confluent-sd-publish',
    'NetworkPolicy/confluent-sd-server',
    'PodDisruptionBudget/confluent-sd-server',
    'Secret/confluent-sd-bearer-tokens',
    'Secret/confluent-sd-confluent',
    'Secret/confluent-sd-s3-readonly',
    'Secret/confluent-sd-s3-readwrite',
    'Secret/confluent-sd-signing',
    'Service/confluent-sd',
    'Service/confluent-sd-pods',
    'ServiceAccount/confluent-sd-publish',
    'ServiceAccount/confluent-sd-server',
  ]);
});

test('every object validates against its Kubernetes schema', () => {
  const failures: string[] = [];
  for (const m of manifests) {
    const Model = MODELS.find((c) => c.kind === m.obj.kind && c.apiVersion === m.obj.apiVersion);
    if (!Model) {
      failures.push(`${where(m)}: no model for ${m.obj.apiVersion} ${m.obj.kind}`);
      continue;
    }
    try {
      new Model(m.obj as never).validate();
    } catch (err) {
      failures.push(`${where(m)}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  assert.equal(failures, []);
});

test('the schema check rejects a broken object (the validator is live)', () => {
  const deployment = structuredClone(findObject(manifests, 'Deployment', 'confluent-sd-server'));
  deployment.spec.replicas = 'two';
  assert.throws(() => new Deployment(deployment as never).validate(), /replicas must be integer/);
});

// Files made only of Kubernetes objects are resources; *.example.yaml are shown, never applied.
function manifestFiles(dir: string): string[] {
  return listYamlFiles(dir).filter((f) => {
    if (f === 'kustomization.yaml' || f.endsWith('.example.yaml')) return false;
    const docs = readYamlDocuments(path.join(dir, f));
    return docs.length > 0 && docs.every(isKubernetesObject);
  });
}

for (const dir of [K8S_DIR, PROMETHEUS_DIR]) {
  const name = path.relative(path.dirname(K8S_DIR), dir);
  test(`${name}/kustomization.yaml lists every manifest file and nothing else`, () => {
    const k = readYaml(path.join(dir, 'kustomization.yaml'));
    assert.is(k.apiVersion, 'kustomize.config.k8s.io/v1beta1');
    assert.is(k.kind, 'Kustomization');
    assert.is(k.namespace, 'monitoring');
    // secrets-as-files holds patches only
    assert.equal([...(k.resources ?? [])].sort(), manifestFiles(dir));
  });
}

// The opt-in components (k8s/components/*): a kustomize Component each, no namespace of their own (the overlay's).
const COMPONENTS_DIR = path.join(K8S_DIR, 'components');
const componentDirs = readdirSync(COMPONENTS_DIR).map((c) => path.join(COMPONENTS_DIR, c));
/** The files a component's kustomization names as patches: partial objects, not manifests of their own. */
const patchFiles = (dir: string): string[] =>
  (readYaml(path.join(dir, 'kustomization.yaml')).patches ?? []).map((p: Obj) => p.path);
const componentObjects = componentDirs.flatMap((dir) =>
  readManifests(dir).filter((m) => !patchFiles(dir).includes(m.file)),
);

test('k8s/components: each is a Component listing its manifests, every object valid and without a namespace', () => {
  assert.equal(componentDirs.map((d) => path.basename(d)).sort(), [
    'cloud-metadata',
    'nodelocal-dns',
    'openshift-dns',
    'secrets-as-files',
    'signing',
    'tls',
  ]);
  for (const dir of componentDirs) {
    const k = readYaml(path.join(dir, 'kustomization.yaml'));
    assert.equal([k.apiVersion, k.kind], ['kustomize.config.k8s.io/v1alpha1', 'Component']);
    // secrets-as-files holds patches only
    assert.equal(
      [...(k.resources ?? [])].sort(),
      manifestFiles(dir).filter((f) => !patchFiles(dir).includes(f)),
    );
  }
  assert.equal(
    componentObjects.map((m) => m.obj.kind),
    // tls: cert-manager's kinds, checked in k8s-rendered.test.ts (no schema package for its CRDs here)
    [
      'NetworkPolicy',
      'NetworkPolicy',
      'NetworkPolicy',
      'Issuer',
      'Certificate',
      'Issuer',
      'Certificate',
      'Certificate',
    ],
  );
  for (const m of componentObjects) {
    if (m.obj.kind === 'NetworkPolicy') new NetworkPolicy(m.obj as never).validate();
    assert.is(m.obj.metadata.namespace, undefined);
  }
});

test('the Secret example is not applied by the base and holds placeholders only', () => {
  const k = readYaml(path.join(K8S_DIR, 'kustomization.yaml'));
  assert.not.ok(k.resources.includes('secrets.example.yaml'));
  const secrets = manifests.filter((m) => m.obj.kind === 'Secret');
  assert.ok(secrets.every((m) => m.file === 'secrets.example.yaml'));
  for (const { obj } of secrets) {
    assert.is(obj.data, undefined, `${obj.metadata.name}: use stringData placeholders`);
    for (const [key, value] of Object.entries(obj.stringData as Record<string, string>)) {
      assert.match(value, /^REPLACE_WITH_[A-Z0-9_]+\n?$/, `${obj.metadata.name}.${key}`);
    }
  }
});

/** Env names a container sees: env entries plus the keys of ConfigMaps/Secrets pulled in with envFrom. */
function envNamesOf(container: Obj): string[] {
  const names: string[] = (container.env ?? []).map((e: Obj) => e.name);
  for (const from of container.envFrom ?? []) {
    const source = from.configMapRef
      ? findObject(manifests, 'ConfigMap', from.configMapRef.name).data
      : findObject(manifests, 'Secret', from.secretRef.name).stringData;
    names.push(...Object.keys(source ?? {}).map((k) => `${from.prefix ?? ''}${k}`));
  }
  return names;
}

const workloads = manifests.filter((m) => podSpecOf(m.obj) !== undefined);

test('every env variable in the manifests is one the program reads', () => {
  assert.equal(
    workloads.map((m) => m.obj.kind),
    ['CronJob', 'Deployment'],
  );
  const known = new Set<string>(ENV_VARIABLES);
  const unknown: string[] = [];
  for (const m of workloads) {
    for (const c of containersOf(podSpecOf(m.obj) as Obj)) {
      for (const n of envNamesOf(c)) if (!known.has(n)) unknown.push(`${where(m)} ${c.name}: ${n}`);
    }
  }
  for (const key of Object.keys(findObject(manifests, 'ConfigMap', 'confluent-sd').data)) {
    if (!known.has(key)) unknown.push(`ConfigMap confluent-sd: ${key}`);
  }
  assert.equal(unknown, []);
});

test('every ConfigMap, Secret key and ServiceAccount a pod names exists', () => {
  const missing: string[] = [];
  const has = (kind: string, name: string) =>
    manifests.some((m) => m.obj.kind === kind && m.obj.metadata.name === name);
  const secretHasKey = (name: string, key: string) =>
    has('Secret', name) && key in (findObject(manifests, 'Secret', name).stringData ?? {});
  for (const m of workloads) {
    const pod = podSpecOf(m.obj) as Obj;
    if (!has('ServiceAccount', pod.serviceAccountName))
      missing.push(`ServiceAccount ${pod.serviceAccountName}`);
    for (const c of containersOf(pod)) {
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref && !secretHasKey(ref.name, ref.key)) missing.push(`Secret ${ref.name} key ${ref.key}`);
      }
      for (const e of c.envFrom ?? []) {
        if (e.configMapRef && !has('ConfigMap', e.configMapRef.name))
          missing.push(`ConfigMap ${e.configMapRef.name}`);
        if (e.secretRef && !has('Secret', e.secretRef.name)) missing.push(`Secret ${e.secretRef.name}`);
      }
    }
    for (const v of pod.volumes ?? []) {
      if (!v.secret) continue;
      for (const item of v.secret.items ?? []) {
        if (!secretHasKey(v.secret.secretName, item.key))
          missing.push(`Secret ${v.secret.secretName} key ${item.key}`);
      }
    }
  }
  assert.equal(missing, []);
});

/** The environment a container would get, with the example Secret values and literal env values. */
function envOf(container: Obj): Env {
  const env: Env = {};
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef)
      Object.assign(env, findObject(manifests, 'ConfigMap', from.configMapRef.name).data);
  }
  for (const e of container.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    env[e.name] = ref ? findObject(manifests, 'Secret', ref.name).stringData[ref.key] : e.value;
  }
  return env;
}

test('the job and server environments pass the program’s own config validation', () => {
  const job = containersOf(podSpecOf(findObject(manifests, 'CronJob', 'confluent-sd-publish')) as Obj);
  const jobConfig = loadNamedParts(envOf(job[0] as Obj), ['confluent', 'store', 'render', 'publish', 'log']);
  assert.equal(jobConfig.store, {
    kind: 's3',
    bucket: 'confluent-sd',
    prefix: 'prod',
    region: 'us-east-1',
    credentials: {
      accessKeyId: 'REPLACE_WITH_READ_WRITE_ACCESS_KEY_ID',
      secretAccessKey: 'REPLACE_WITH_READ_WRITE_SECRET_ACCESS_KEY',
    },
  });
  assert.equal(
    jobConfig.render.combinations.map((c) => c.prefix),
    ['', 'confluent_'],
  );

  const server = containersOf(podSpecOf(findObject(manifests, 'Deployment', 'confluent-sd-server')) as Obj);
  const serveConfig = loadNamedParts(envOf(server[0] as Obj), ['store', 'serve', 'log']);
  assert.is(serveConfig.serve.port, 8080);
  assert.is(serveConfig.serve.bearerTokenFile, '/var/run/secrets/confluent-sd/bearer-tokens');
  assert.equal(serveConfig.serve.bearerTokens, []);
});

test.run();
