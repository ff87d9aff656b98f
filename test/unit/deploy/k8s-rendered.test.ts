/**
 * k8s/ as `kubectl kustomize` renders it, the way a cluster gets it: the NetworkPolicies admit the kustomize
 * namespace (of the base, and of an overlay that changes it), the opt-in components add the DNS and metadata
 * egress they document, the ServiceMonitor makes one target per server pod, and the image is pinned by digest.
 * Without kubectl the tests are skipped loudly, or fail when CI=true.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse as parseYaml } from 'yaml';
import { parseWebConfig } from '../../../src/serve/web-config.js';
import {
  findKubectl,
  GRAFANA_DIR,
  K8S_DIR,
  type Obj,
  PROMETHEUS_DIR,
  peerNamespaces,
  podLabelsOf,
  podSpecOf,
  ROOT,
  readDashboards,
  readYaml,
  renderComponents,
  renderKustomize,
  selects,
} from '../../helpers/k8s-manifests.js';

const COMPONENTS = ['nodelocal-dns', 'openshift-dns', 'cloud-metadata'];
const kubectl = findKubectl();
const baseNamespace = readYaml(path.join(K8S_DIR, 'kustomization.yaml')).namespace as string;

/** The base and every component rendered through an overlay that moves them to `namespace`. */
function renderOverlay(namespace: string, components: string[]): Obj[] {
  return renderComponents(kubectl as string, components, { namespace });
}

const ofKind = (objs: Obj[], kind: string) => objs.filter((o) => o.kind === kind);
const named = (objs: Obj[], kind: string, name: string) =>
  objs.find((o) => o.kind === kind && o.metadata.name === name) as Obj;

/** Every namespace a policy's ingress (or egress) admits, by peer, sorted and without repeats. */
function admitted(policy: Obj, direction: 'ingress' | 'egress'): string[] {
  const rules: Obj[] = policy.spec[direction] ?? [];
  const peers = rules.flatMap((r) => (direction === 'ingress' ? r.from : r.to) ?? []);
  return [...new Set(peers.flatMap((p: Obj) => peerNamespaces(p, policy.metadata.namespace)))].sort();
}

/** Egress rules as `protocol/port to peers`, the facts a reader checks against the docs. */
function egressOf(policy: Obj): string[] {
  return (policy.spec.egress as Obj[]).flatMap((r) =>
    (r.ports as Obj[]).map((p) => {
      const to = (r.to ?? []).map((peer: Obj) => peer.ipBlock?.cidr ?? peerNamespaces(peer, '(own)')[0]);
      return `${p.protocol}/${p.port} to ${to.length > 0 ? to.join(',') : 'any'}`;
    }),
  );
}

const run = kubectl ? test : test.skip;
if (!kubectl) {
  const message = 'kubectl not found on PATH: the rendered k8s/ base is not checked (kubectl kustomize)';
  if (process.env.CI === 'true')
    test('kubectl is installed (required when CI=true)', () => assert.unreachable(message));
  else process.stderr.write(`\n*** SKIPPED: ${message} ***\n\n`);
}

run(
  'rendered base: every object in the kustomize namespace, the NetworkPolicies admit that namespace only',
  () => {
    const objs = renderKustomize(kubectl as string, K8S_DIR);
    assert.equal([...new Set(objs.map((o) => o.metadata.namespace))], [baseNamespace]);
    const policies = ofKind(objs, 'NetworkPolicy');
    assert.equal(
      policies.map((p) => p.metadata.name),
      ['confluent-sd-publish', 'confluent-sd-server'],
    );
    assert.equal(admitted(named(objs, 'NetworkPolicy', 'confluent-sd-server'), 'ingress'), [baseNamespace]);
    assert.equal(admitted(named(objs, 'NetworkPolicy', 'confluent-sd-publish'), 'ingress'), []);
    // egress: DNS in kube-system, and HTTPS/MinIO to any address
    for (const p of policies) assert.equal(admitted(p, 'egress'), ['kube-system'], p.metadata.name);
  },
);

run(
  'an overlay that moves the base to another namespace moves what the NetworkPolicies admit with it',
  () => {
    const objs = renderOverlay('observability', []);
    assert.equal([...new Set(objs.map((o) => o.metadata.namespace))], ['observability']);
    assert.equal(admitted(named(objs, 'NetworkPolicy', 'confluent-sd-server'), 'ingress'), ['observability']);
    assert.not.ok(JSON.stringify(ofKind(objs, 'NetworkPolicy')).includes(`"${baseNamespace}"`));
  },
);

run(
  'the opt-in components: NodeLocal DNS, OpenShift DNS, metadata and Pod Identity egress, nothing else',
  () => {
    const objs = renderOverlay('observability', COMPONENTS);
    const added = ofKind(objs, 'NetworkPolicy').filter(
      (p) => !['confluent-sd-publish', 'confluent-sd-server'].includes(p.metadata.name),
    );
    for (const p of added) new NetworkPolicy(p as never).validate();
    const facts = Object.fromEntries(
      added.map((p) => [p.metadata.name, { types: p.spec.policyTypes, egress: egressOf(p) }]),
    );
    assert.equal(facts, {
      'confluent-sd-cloud-metadata': {
        types: ['Egress'],
        egress: ['TCP/80 to 169.254.169.254/32,169.254.170.23/32'],
      },
      'confluent-sd-nodelocal-dns': {
        types: ['Egress'],
        egress: ['UDP/53 to 169.254.20.10/32', 'TCP/53 to 169.254.20.10/32'],
      },
      'confluent-sd-openshift-dns': {
        types: ['Egress'],
        egress: ['UDP/5353 to openshift-dns', 'TCP/5353 to openshift-dns'],
      },
    });
    // each applies to both components' pods, and only adds (no Ingress type: ingress stays as the base says)
    const server = podLabelsOf(named(objs, 'Deployment', 'confluent-sd-server'));
    const job = podLabelsOf(named(objs, 'CronJob', 'confluent-sd-publish'));
    for (const p of added) {
      assert.ok(
        selects(p.spec.podSelector.matchLabels, server) && selects(p.spec.podSelector.matchLabels, job),
      );
    }
  },
);

run('the base without components has none of their egress', () => {
  const text = JSON.stringify(renderKustomize(kubectl as string, K8S_DIR));
  for (const needle of ['169.254.20.10', '169.254.169.254', '169.254.170.23', '5353']) {
    assert.not.ok(text.includes(needle), needle);
  }
});

run('the ServiceMonitor selects one Service of the server pods: one target per pod', () => {
  const base = renderKustomize(kubectl as string, K8S_DIR);
  const operator = renderKustomize(kubectl as string, PROMETHEUS_DIR);
  const sm = named(operator, 'ServiceMonitor', 'confluent-sd');
  const pods = podLabelsOf(named(base, 'Deployment', 'confluent-sd-server'));
  const servicesOfPods = ofKind(base, 'Service').filter((s) => selects(s.spec.selector, pods));
  assert.equal(
    servicesOfPods.map((s) => s.metadata.name),
    ['confluent-sd', 'confluent-sd-pods'],
  );
  const scraped = servicesOfPods.filter(
    (s) =>
      s.metadata.namespace === sm.metadata.namespace &&
      selects(sm.spec.selector.matchLabels, s.metadata.labels),
  );
  assert.equal(
    scraped.map((s) => s.metadata.name),
    ['confluent-sd'],
  );
  assert.is(sm.spec.selector.matchExpressions, undefined);
  // one endpoint on one port of that Service: one target per pod
  const ports = sm.spec.endpoints.map((e: Obj) => e.port);
  assert.equal(ports, ['http']);
  assert.is(scraped[0]?.spec.ports.filter((p: Obj) => ports.includes(p.name)).length, 1);
});

run('the image is pinned by digest, at the version of package.json', () => {
  const version = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;
  const objs = renderKustomize(kubectl as string, K8S_DIR);
  const images = objs
    .map((o) => podSpecOf(o))
    .filter((pod): pod is Obj => pod !== undefined)
    .flatMap((pod) => pod.containers.map((c: Obj) => c.image));
  assert.is(images.length, 2);
  for (const image of images) {
    const m = /^([a-z0-9.-]+\/[a-z0-9/_-]+):([\w.-]+)@sha256:([0-9a-f]{64})$/.exec(image);
    assert.ok(m, image);
    assert.is(m?.[2], version);
  }
  const docs = readFileSync(path.join(ROOT, 'docs/deploy.md'), 'utf8');
  assert.match(docs, /^#### Pin the image by digest$/m);
  assert.match(docs, /kustomize edit set image confluent-sd=\S+:\S+@\$\{?DIGEST\}?/);
});

run('k8s/grafana renders one sidecar ConfigMap per dashboard, holding the file as it is', () => {
  const objs = renderKustomize(kubectl as string, GRAFANA_DIR);
  const files = readDashboards().map((d) => d.file);
  const rendered = objs.map((o) =>
    [o.kind, o.metadata.labels.grafana_dashboard, ...Object.keys(o.data)].join(' '),
  );
  assert.equal(
    rendered.sort(),
    files.map((f) => `ConfigMap 1 ${f}`),
  );
  for (const o of objs) {
    const [file, text] = Object.entries(o.data as Record<string, string>)[0]!;
    assert.is(text, readFileSync(path.join(GRAFANA_DIR, file), 'utf8'), file);
  }
});

/** The overlay of docs/deploy.md "TLS with cert-manager", with the paths of this checkout. */
function tlsOverlayOfDocs(): Obj {
  const docs = readFileSync(path.join(ROOT, 'docs/deploy.md'), 'utf8');
  const section = docs.slice(docs.indexOf('#### TLS with cert-manager'));
  const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block, 'docs/deploy.md: the overlay of "TLS with cert-manager"');
  return parseYaml(block as string) as Obj;
}

/** What cert-manager v1 requires of a Certificate and an Issuer (no schema package for its CRDs is installed). */
function checkCertManager(objs: Obj[]): void {
  const issuers = new Set(ofKind(objs, 'Issuer').map((i) => i.metadata.name));
  const USAGES = ['digital signature', 'key encipherment', 'server auth', 'client auth', 'cert sign'];
  for (const c of ofKind(objs, 'Certificate')) {
    assert.is(c.apiVersion, 'cert-manager.io/v1');
    assert.type(c.spec.secretName, 'string');
    assert.ok(issuers.has(c.spec.issuerRef.name) && c.spec.issuerRef.kind === 'Issuer', c.metadata.name);
    assert.ok(['RSA', 'ECDSA', 'Ed25519'].includes(c.spec.privateKey.algorithm));
    for (const u of c.spec.usages ?? []) assert.ok(USAGES.includes(u), u);
    assert.ok(c.spec.commonName || c.spec.dnsNames?.length, c.metadata.name);
  }
  for (const i of ofKind(objs, 'Issuer')) assert.is(Object.keys(i.spec).length, 1);
}

run(
  'the tls component: web config, certificate Secret mounted as a directory, HTTPS probes, dnsNames',
  () => {
    const overlay = tlsOverlayOfDocs();
    const objs = renderComponents(kubectl as string, ['tls'], overlay);
    assert.equal([...new Set(objs.map((o) => o.metadata.namespace))], [overlay.namespace]);
    checkCertManager(objs);
    const deployment = named(objs, 'Deployment', 'confluent-sd-server');
    new Deployment(deployment as never).validate();
    const pod = podSpecOf(deployment) as Obj;
    const server = pod.containers[0];
    const mountOf = (volume: Obj) => server.volumeMounts.find((m: Obj) => m.name === volume.name);
    // SD_WEB_CONFIG_FILE is a key of the generated ConfigMap, mounted as a directory
    const file = server.env.find((e: Obj) => e.name === 'SD_WEB_CONFIG_FILE').value as string;
    const cmVolume = pod.volumes.find((v: Obj) => v.configMap?.name.startsWith('confluent-sd-web-config-'));
    const configMap = named(objs, 'ConfigMap', cmVolume.configMap.name);
    new ConfigMap(configMap as never).validate();
    assert.is(path.dirname(file), mountOf(cmVolume).mountPath);
    const web = parseWebConfig(configMap.data[path.basename(file)], file);
    // every file it names is a key of the server certificate's Secret, mounted without subPath
    const certificate = named(objs, 'Certificate', 'confluent-sd-server');
    const tlsVolume = pod.volumes.find((v: Obj) => v.secret?.secretName === certificate.spec.secretName);
    assert.is(mountOf(tlsVolume).subPath, undefined);
    const files = [web.certFile, web.keyFile, web.clientCaFile].map((f) =>
      path.relative(mountOf(tlsVolume).mountPath, f ?? ''),
    );
    assert.equal(files, ['tls.crt', 'tls.key', 'ca.crt']);
    assert.equal(
      [server.livenessProbe.httpGet.scheme, server.readinessProbe.httpGet.scheme],
      ['HTTPS', 'HTTPS'],
    );
    // the certificate names the Service in the overlay's namespace
    const service = named(objs, 'Service', 'confluent-sd');
    assert.ok(certificate.spec.dnsNames.includes(`${service.metadata.name}.${overlay.namespace}.svc`));
  },
);

test.run();
