import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { combinationKey } from '../../../src/bucket/document-name.js';
import type { DocumentEntry, Manifest } from '../../../src/bucket/manifest.js';
import { buildDocumentSet } from '../../../src/serve/document-set.js';

const TARGETS = ['api.telemetry.confluent.cloud'];

function entry(body: string, selection?: DocumentEntry['selection']): DocumentEntry {
  return {
    targets: TARGETS,
    prefix: 'confluent_',
    paramStyle: 'underscore',
    groupBy: 'plan',
    sha256: createHash('sha256').update(body).digest('hex'),
    bytes: body.length,
    groups: 0,
    ...(selection ? { selection } : {}),
  };
}

function manifestOf(documents: Record<string, DocumentEntry>): Manifest {
  return {
    schemaVersion: 1,
    toolVersion: 'test',
    runId: '20261201T120000Z',
    createdAt: '2026-12-01T12:00:00.000Z',
    checkedAt: '2026-12-01T12:00:00.000Z',
    previousRunId: null,
    documents,
    resources: { total: 0, byType: {} },
    api: { requests: 0, retries: 0, throttled: 0, discoveryMs: 0 },
  } as unknown as Manifest;
}

const bodies = new Map<string, string>();
const read = async (name: string) => Buffer.from(bodies.get(name) ?? '[]');
const key = combinationKey({ targets: TARGETS, prefix: 'confluent_' });

test('documents sharing targets and prefix: /discovery names the one without a selection, whatever the order', async () => {
  for (const name of ['a-team', 'all', 'z-team']) bodies.set(name, `[] ${name}`);
  const documents = {
    'z-team': entry('[] z-team', { organizations: ['prod'] }),
    all: entry('[] all'),
    'a-team': entry('[] a-team', { organizations: ['prod'] }),
  };
  const set = await buildDocumentSet(manifestOf(documents), undefined, read);
  assert.is(set.byCombination.get(key), 'all');
  assert.equal([...set.byName.keys()].sort(), ['a-team', 'all', 'z-team']);
});

test('documents sharing targets and prefix, each with a selection: the first by name', async () => {
  const documents = {
    'z-team': entry('[] z-team', { organizations: ['prod'] }),
    'a-team': entry('[] a-team', { organizations: ['nonprod'] }),
  };
  const set = await buildDocumentSet(manifestOf(documents), undefined, read);
  assert.is(set.byCombination.get(key), 'a-team');
});

test.run();
