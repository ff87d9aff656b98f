/**
 * Documents by selection and several organisations in render: globs, include/exclude by id or name, types and
 * organisations; the organisation label in every grouping; packed plan groups never mix organisations (a scrape
 * carries one organisation's key); what of a selection matched nothing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mergeInventories } from '../../../src/discovery/merge.js';
import type { Inventory, Resource } from '../../../src/discovery/resource.js';
import type { DocumentSpec } from '../../../src/render/documents-config.js';
import { labelInventory } from '../../../src/render/labels.js';
import { renderAll } from '../../../src/render/render.js';
import { renderSelectedDocuments } from '../../../src/render/selected-documents.js';
import {
  globToRegExp,
  type Selection,
  selectResources,
  unmatchedParts,
} from '../../../src/render/selection.js';
import { buildRenderInventory, DEFAULT_PLAN, TELEMETRY } from '../../helpers/render-inventory.js';

test('globs: * and ? only, everything else literal', () => {
  const cases: [string, string, boolean][] = [
    ['payments-*', 'payments-prod', true],
    ['payments-*', 'payments-', true],
    ['payments-*', 'xpayments-prod', false],
    ['env-?bc', 'env-abc', true],
    ['env-?bc', 'env-bc', false],
    ['a.b', 'axb', false],
    ['(x)+', '(x)+', true],
    ['*', '', true],
  ];
  for (const [pattern, text, want] of cases)
    assert.is(globToRegExp(pattern).test(text), want, `${pattern} ~ ${text}`);
});

function twoOrganisations(): Inventory {
  const a = buildRenderInventory();
  const b: Inventory = {
    environments: [{ id: 'env-n0n0n0', name: 'production' }],
    exportedTypes: a.exportedTypes,
    resources: [
      { type: 'kafka', id: 'lkc-n0n0n0', name: 'np', environmentId: 'env-n0n0n0', cloud: 'gcp', region: 'x' },
      {
        type: 'kafka',
        id: 'lkc-n1n1n1',
        name: 'np2',
        environmentId: 'env-n0n0n0',
        cloud: 'gcp',
        region: 'x',
      },
    ],
  };
  return mergeInventories([
    { organization: 'prod', inventory: a },
    { organization: 'nonprod', inventory: b },
  ]);
}

const ids = (rs: { resource: Resource }[]) => rs.map((r) => r.resource.id).sort();

test('selection: organisations, environments by id or name, include then exclude, types', () => {
  const all = labelInventory(twoOrganisations());
  const cases: [string, Selection, string[]][] = [
    ['nonprod', { organizations: ['nonprod'] }, ['lkc-n0n0n0', 'lkc-n1n1n1']],
    [
      'production by name, both orgs, kafka',
      { environments: { include: ['production'] }, resourceTypes: ['kafka'] },
      ids(all.filter((r) => r.environmentName === 'production' && r.resource.type === 'kafka')),
    ],
    [
      'by id, exclude by glob on the name',
      { environments: { include: ['env-*'], exclude: ['prod*'] } },
      ids(all.filter((r) => r.resource.environmentId === 'env-z9y8x7')),
    ],
    ['nothing', { organizations: ['prod'], environments: { include: ['env-n0n0n0'] } }, []],
  ];
  assert.ok(cases[1]![2].includes('lkc-7x9k2m') && cases[1]![2].includes('lkc-n0n0n0'));
  for (const [name, selection, want] of cases) assert.equal(ids(selectResources(all, selection)), want, name);
});

test('the organisation label, prefixed, on resource, environment and packed plan groups alike', () => {
  const inventory = twoOrganisations();
  const base = { paramStyle: 'underscore' as const, batchSize: 50 };
  const tight = { ...DEFAULT_PLAN, requestsPerMinute: 1, intervalSeconds: 60 };
  for (const options of [
    { ...base, groupBy: 'resource' as const },
    { ...base, groupBy: 'environment' as const },
    { ...base, groupBy: 'plan' as const, plan: tight },
  ]) {
    const [doc] = renderAll(inventory, [{ targets: [TELEMETRY], prefix: 'cc_' }], options);
    const groups = JSON.parse(doc!.body) as { labels: Record<string, string> }[];
    for (const g of groups) {
      const orgs = new Set(
        Object.entries(g.labels)
          .filter(([k]) => k.startsWith('__param_'))
          .flatMap(([, v]) => v.split(','))
          .map((id) => (id.includes('n0') || id.includes('n1') ? 'nonprod' : 'prod')),
      );
      assert.is(orgs.size, 1, `${options.groupBy}: ${JSON.stringify(g.labels)}`);
      assert.is(g.labels.cc_organization, [...orgs][0], options.groupBy);
    }
  }
});

test('documents by selection: own name, own plan, and what matched nothing', () => {
  const inventory = twoOrganisations();
  const spec = (name: string, selection?: Selection): DocumentSpec => ({
    name,
    combination: { targets: [TELEMETRY], prefix: 'confluent_' },
    ...(selection ? { selection } : {}),
    plan: DEFAULT_PLAN,
  });
  const docs = renderSelectedDocuments(
    inventory,
    [
      spec('team-b', { organizations: ['nonprod'] }),
      spec('all'),
      spec('typo', { organizations: ['prodd'], environments: { include: ['nope'] } }),
    ],
    { paramStyle: 'underscore', groupBy: 'resource', batchSize: 50 },
  );
  assert.equal(
    docs.map((d) => [d.name, d.groups, d.unmatched]),
    [
      ['all', inventory.resources.length, undefined],
      ['team-b', 2, []],
      [
        'typo',
        0,
        [
          'the selection matches no resource',
          'organization "prodd" has no environment in this run',
          'environments include "nope" matches no environment',
        ],
      ],
    ],
  );
  assert.equal(unmatchedParts({ environments: { exclude: ['staging*'] } }, inventory.environments), []);
});

test('one organisation only: no organisation label, the same bytes as before', () => {
  const inventory = buildRenderInventory();
  const options = { paramStyle: 'underscore' as const, groupBy: 'resource' as const, batchSize: 50 };
  const [doc] = renderAll(inventory, [{ targets: [TELEMETRY], prefix: 'confluent_' }], options);
  assert.not.match(doc!.body, 'organization');
});

test.run();
