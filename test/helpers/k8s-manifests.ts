/**
 * Reads the deployment artefacts under k8s/ for the deploy tests: YAML files as lists of documents, and the
 * pieces of workloads the tests look at (pod specs, containers). Plain data in, plain data out.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

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
