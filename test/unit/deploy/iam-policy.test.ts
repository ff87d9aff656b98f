/**
 * The S3 IAM policies live in one place, docs/deploy.md ("IAM policy"), and cover every call the S3 store makes:
 * the job's policy every command of src/store/s3-store.ts (the writability probe puts and deletes an object, prune
 * deletes), the server's only the reads. k8s/secrets.example.yaml points there instead of listing actions.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findObject, K8S_DIR, type Obj, ROOT, readManifests } from '../../helpers/k8s-manifests.js';

// The IAM action each S3 command needs (AWS: HeadBucket is authorised by s3:ListBucket, HeadObject by s3:GetObject).
const ACTION_OF: Record<string, string> = {
  HeadBucketCommand: 's3:ListBucket',
  ListObjectsV2Command: 's3:ListBucket',
  HeadObjectCommand: 's3:GetObject',
  GetObjectCommand: 's3:GetObject',
  PutObjectCommand: 's3:PutObject',
  DeleteObjectCommand: 's3:DeleteObject',
};
// The writer's calls (Store), which the server's reader (StoreReader) never makes.
const WRITE_COMMANDS = ['PutObjectCommand', 'DeleteObjectCommand'];

const docs = readFileSync(path.join(ROOT, 'docs/deploy.md'), 'utf8');
const store = readFileSync(path.join(ROOT, 'src/store/s3-store.ts'), 'utf8');
const configMap = findObject(readManifests(K8S_DIR), 'ConfigMap', 'confluent-sd').data;
const [, bucket, prefix] = /^s3:\/\/([^/]+)\/(.+)$/.exec(configMap.SD_STORE) ?? [];

/** The JSON policies of the "IAM policy" section, by the word before "policy" in the line above each block. */
function policiesOf(markdown: string): Record<string, Obj> {
  const section = /^#### IAM policy$([\s\S]*?)^#{1,4} /m.exec(markdown)?.[1] ?? '';
  const out: Record<string, Obj> = {};
  for (const m of section.matchAll(/\*\*(\w[\w-]*)[^*]*\*\*[^\n]*\n+```json\n([\s\S]*?)```/g)) {
    out[m[1]!.toLowerCase()] = JSON.parse(m[2]!) as Obj;
  }
  return out;
}

/** action → the resources a policy allows it on. */
function grants(policy: Obj): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const s of policy.Statement as Obj[]) {
    assert.is(s.Effect, 'Allow');
    assert.is(s.Condition, undefined, 'no condition: HeadBucket has no s3:prefix to match');
    for (const a of [s.Action].flat() as string[])
      out[a] = [...(out[a] ?? []), ...[s.Resource].flat()].sort();
  }
  return out;
}

const commands = [...new Set(store.match(/\bnew (\w+Command)\(/g)?.map((c) => c.slice(4, -1)) ?? [])].sort();
const policies = policiesOf(docs);
const objects = `arn:aws:s3:::${bucket}/${prefix}/*`;
const bucketArn = `arn:aws:s3:::${bucket}`;
const resourceOf = (action: string) => (action === 's3:ListBucket' ? [bucketArn] : [objects]);

test('every S3 command the store sends has a known IAM action', () => {
  assert.equal(commands, Object.keys(ACTION_OF).sort());
});

test('docs/deploy.md holds one policy for the job and one for the server, on the bucket and prefix of SD_STORE', () => {
  assert.equal(Object.keys(policies).sort(), ['job', 'server']);
  for (const p of Object.values(policies)) assert.is(p.Version, '2012-10-17');
});

test("the job's policy allows every call of the store: Get, Put, List and Delete on the prefix", () => {
  const want: Record<string, string[]> = {};
  for (const c of commands) want[ACTION_OF[c]!] = resourceOf(ACTION_OF[c]!);
  assert.equal(grants(policies.job!), want);
  assert.ok('s3:DeleteObject' in want, 'checkWritable and prune delete');
});

test("the server's policy allows the reads only", () => {
  const want: Record<string, string[]> = {};
  for (const c of commands.filter((c) => !WRITE_COMMANDS.includes(c)))
    want[ACTION_OF[c]!] = resourceOf(ACTION_OF[c]!);
  assert.equal(grants(policies.server!), want);
});

test('secrets.example.yaml refers to the policy instead of listing actions, and the anchor exists', () => {
  const text = readFileSync(path.join(K8S_DIR, 'secrets.example.yaml'), 'utf8');
  assert.not.match(text, /s3:[A-Z]/);
  assert.is(text.match(/docs\/deploy\.md#iam-policy/g)?.length, 2);
  assert.match(docs, /^#### IAM policy$/m);
  assert.not.match(docs.replace(/^#### IAM policy$[\s\S]*?^#{1,4} /m, ''), /s3:(Get|Put|Delete)Object/);
});

test.run();
