/**
 * Reads the deployment artefacts under k8s/ for the deploy tests: YAML files as lists of documents, the pieces of
 * workloads the tests look at (pod specs, containers), and the base as `kubectl kustomize` renders it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const K8S_DIR = path.join(ROOT, 'k8s');
export const PROMETHEUS_DIR = path.join(K8S_DIR, 'prometheus');

export type Obj = Record<string, any>;

export interface Manifest {
  file: string;
  index: number;
  obj: Obj;
}

/** Every document of a YAML file (empty documents dropped). Throws on a YAML error or warning. */
export function readYamlDocuments(file: string): Obj[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'), { prettyErrors: true });
  const out: Obj[] = [];
  for (const doc of docs) {
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length > 0) throw new Error(`${file}: ${problems.map((p) => p.message).join('; ')}`);
    const value = doc.toJS({ maxAliasCount: 0 });
    if (value !== null && value !== undefined) out.push(value as Obj);
  }
  return out;
}

export function readYaml(file: string): Obj {
  const docs = readYamlDocuments(file);
  if (docs.length !== 1) throw new Error(`${file}: expected one document, found ${docs.length}`);
  return docs[0] as Obj;
}

export function listYamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

/** A Kubernetes object has apiVersion, kind and metadata.name (Kustomization has no metadata). */
export function isKubernetesObject(o: Obj): boolean {
  return (
    typeof o.apiVersion === 'string' && typeof o.kind === 'string' && typeof o.metadata?.name === 'string'
  );
}

/** Every Kubernetes object of the YAML files in `dir` (not recursive), with where it came from. */
export function readManifests(dir: string): Manifest[] {
  const out: Manifest[] = [];
  for (const file of listYamlFiles(dir)) {
    readYamlDocuments(path.join(dir, file)).forEach((obj, index) => {
      if (isKubernetesObject(obj)) out.push({ file, index, obj });
    });
  }
  return out;
}

export function findObject(manifests: Manifest[], kind: string, name: string): Obj {
  const hit = manifests.find((m) => m.obj.kind === kind && m.obj.metadata.name === name);
  if (!hit) throw new Error(`no ${kind} ${name} in k8s/`);
  return hit.obj;
}

/** The pod spec of a workload (Deployment, CronJob, Job, Pod), or undefined for other kinds. */
export function podSpecOf(o: Obj): Obj | undefined {
  switch (o.kind) {
    case 'Pod':
      return o.spec;
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
      return o.spec?.template?.spec;
    case 'CronJob':
      return o.spec?.jobTemplate?.spec?.template?.spec;
    default:
      return undefined;
  }
}

export function podLabelsOf(o: Obj): Record<string, string> {
  const template = o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
  return template?.metadata?.labels ?? {};
}

export function containersOf(pod: Obj): Obj[] {
  return [...(pod.initContainers ?? []), ...(pod.containers ?? [])];
}

/** Does a label selector's matchLabels select these labels? (matchExpressions are not used in k8s/.) */
export function selects(matchLabels: Record<string, string>, labels: Record<string, string>): boolean {
  const entries = Object.entries(matchLabels);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/** Names of the Secrets a pod spec reads: env secretKeyRef, envFrom secretRef, secret volumes. */
export function secretsOf(pod: Obj): string[] {
  const names = new Set<string>();
  for (const c of containersOf(pod)) {
    for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) names.add(e.valueFrom.secretKeyRef.name);
    for (const e of c.envFrom ?? []) if (e.secretRef) names.add(e.secretRef.name);
  }
  for (const v of pod.volumes ?? []) if (v.secret) names.add(v.secret.secretName);
  return [...names].sort();
}

/** The kubectl on PATH (or $KUBECTL), for `kubectl kustomize`; undefined when it cannot run. */
export function findKubectl(bin = process.env.KUBECTL ?? 'kubectl'): string | undefined {
  const r = spawnSync(bin, ['version', '--client'], { encoding: 'utf8', timeout: 30_000 });
  return r.error || r.status !== 0 ? undefined : bin;
}

/** `kubectl kustomize <dir>` parsed into its objects; throws with kubectl's output when it fails. */
export function renderKustomize(kubectl: string, dir: string): Obj[] {
  const r = spawnSync(kubectl, ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0)
    throw new Error(`kubectl kustomize ${dir} exited ${r.status}: ${r.stderr}${r.error ?? ''}`);
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJS({ maxAliasCount: 0 }) as Obj | null)
    .filter((o): o is Obj => o !== null && o !== undefined);
}

/**
 * A kustomize overlay in a temp dir: `kustomization.yaml` with these fields, where paths under k8s/ are written
 * relative to it (kustomize refuses absolute ones). Returns the directory; the caller removes it.
 */
export function writeOverlay(fields: (k8sPath: (p: string) => string) => Obj): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'confluent-sd-overlay-'));
  const k8sPath = (p: string) => path.relative(dir, path.join(K8S_DIR, p)) || '.';
  writeFileSync(path.join(dir, 'kustomization.yaml'), stringify(fields(k8sPath)));
  return dir;
}

/**
 * The base of k8s/ with `components` (names under k8s/components/) rendered through a temporary overlay, with
 * `fields` added to its kustomization (a `namespace`, patches).
 */
export function renderComponents(kubectl: string, components: readonly string[], fields: Obj = {}): Obj[] {
  const dir = writeOverlay((k8s) => ({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    ...fields,
    resources: [k8s('.')],
    components: components.map((c) => k8s(`components/${c}`)),
  }));
  try {
    return renderKustomize(kubectl, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The namespaces a NetworkPolicy peer admits: its namespaceSelector's `kubernetes.io/metadata.name`, or the policy's
 * own namespace for a podSelector alone; `*` for any namespace, `ipBlock` for an address range.
 */
export function peerNamespaces(peer: Obj, policyNamespace: string): string[] {
  if (peer.ipBlock) return ['ipBlock'];
  if (!peer.namespaceSelector) return [policyNamespace];
  const name = peer.namespaceSelector.matchLabels?.['kubernetes.io/metadata.name'];
  return [typeof name === 'string' ? name : '*'];
}

export const GRAFANA_DIR = path.join(K8S_DIR, 'grafana');

export interface DashboardFile {
  file: string;
  dashboard: Obj;
}

/** Every Grafana dashboard under k8s/grafana/, parsed. */
export function readDashboards(): DashboardFile[] {
  return readdirSync(GRAFANA_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      dashboard: JSON.parse(readFileSync(path.join(GRAFANA_DIR, file), 'utf8')) as Obj,
    }));
}

export interface PanelQuery {
  /** `<file> / <panel title> / <refId>`, for messages. */
  where: string;
  expr: string;
}

/** The PromQL of every panel target, and of every query variable (`label_values(m, l)` as `count by (l) (m)`). */
export function dashboardQueries({ file, dashboard }: DashboardFile): PanelQuery[] {
  const out: PanelQuery[] = [];
  for (const p of dashboard.panels as Obj[]) {
    for (const t of p.targets ?? []) out.push({ where: `${file} / ${p.title} / ${t.refId}`, expr: t.expr });
  }
  for (const v of dashboard.templating.list as Obj[]) {
    if (v.type !== 'query') continue;
    const m = /^label_values\((.+),\s*(\w+)\)$/s.exec(String(v.query?.query ?? v.query));
    if (!m) throw new Error(`${file}: variable ${v.name}: not a label_values() query`);
    out.push({ where: `${file} / $${v.name}`, expr: `count by (${m[2]}) (${m[1]})` });
  }
  return out;
}

/** Grafana's own variables a query may use, and the value a test gives each. */
export const GRAFANA_GLOBALS: Record<string, string> = {
  __rate_interval: '1m',
  __interval: '1m',
  __range: '1h',
};

/** A query with Grafana's variables replaced: the globals by `GRAFANA_GLOBALS`, every dashboard variable by `value`. */
export function substituteVariables(expr: string, value = '.*'): string {
  return expr.replace(/\$\{?(\w+)\}?/g, (_all, name: string) => GRAFANA_GLOBALS[name] ?? value);
}
