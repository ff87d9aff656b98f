/**
 * The structured sections of SD_CONFIG_FILE: `organizations:` (a key each; the secret from a variable or a file,
 * never the file itself) and `documents:` (selection, prefix, targets, plan). Every problem named at once.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError } from '../../../src/errors.js';
import { loadNamedParts } from '../../helpers/config.js';

const t = suite<{ dir: string }>('config sections');
t.before(async (s) => {
  s.dir = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-sections-'));
});
t.after(async (s) => {
  await rm(s.dir, { recursive: true, force: true });
});

async function file(dir: string, name: string, text: string): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, text);
  return p;
}

function problemsOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.instance(err, AppError);
    assert.is((err as AppError).code, 'CONFIG_INVALID');
    return (err as AppError).message;
  }
  assert.unreachable('should throw');
  return '';
}

const ORGS = `organizations:
  - name: prod
    api_key_env: KEY_PROD
    api_secret_env: SECRET_PROD
  - name: nonprod
    api_key: NP-KEY
    api_secret_file: SECRET_FILE
`;

t('organisations: keys from variables and files; no CONFLUENT_API_KEY needed', async (s) => {
  const secret = await file(s.dir, 'np.secret', '  np-secret\n');
  const cfg = await file(s.dir, 'a.yaml', ORGS.replace('SECRET_FILE', secret));
  const c = loadNamedParts({ SD_CONFIG_FILE: cfg, KEY_PROD: 'P-KEY', SECRET_PROD: 'p-secret' }, [
    'confluent',
  ]);
  assert.equal(c.confluent.organizations, [
    { name: 'prod', apiKey: 'P-KEY', apiSecret: 'p-secret' },
    { name: 'nonprod', apiKey: 'NP-KEY', apiSecret: 'np-secret' },
  ]);
  assert.equal([c.confluent.apiKey, c.confluent.apiSecret], ['P-KEY', 'p-secret']);
});

t('without organisations: the variables, and no organisations field', () => {
  const c = loadNamedParts({ CONFLUENT_API_KEY: 'k', CONFLUENT_API_SECRET: 's' }, ['confluent']);
  assert.is(c.confluent.organizations, undefined);
  assert.equal([c.confluent.apiKey, c.confluent.apiSecret], ['k', 's']);
});

t('every problem of the organisations at once; no secret value in a message', async (s) => {
  const cfg = await file(
    s.dir,
    'bad.yaml',
    `organizations:
  - name: prod
    api_key: K
    api_secret: hunter2
  - name: prod
    api_key_env: UNSET_VAR
    api_secret_file: ${path.join(s.dir, 'missing.secret')}
  - name: "bad name!"
    api_key: K
    api_key_env: X
    api_secret_env: SECRET
    colour: blue
`,
  );
  const message = problemsOf(() => loadNamedParts({ SD_CONFIG_FILE: cfg, SECRET: 'hunter3' }, ['confluent']));
  for (const want of [
    'organizations[0]: api_secret must not be in the config file; use api_secret_env or api_secret_file',
    'organizations[0] (prod): set exactly one of api_secret_env or api_secret_file',
    'organizations[1] (prod): api_key_env names UNSET_VAR, which is not set',
    `organizations[1] (prod): api_secret_file: cannot read ${path.join(s.dir, 'missing.secret')} (ENOENT)`,
    'organizations[2]: unknown key colour',
    'organizations[2]: name must match',
    'organizations[2] (bad name!): set exactly one of api_key, api_key_env or api_key_file',
  ])
    assert.ok(message.includes(want), `missing "${want}" in:\n${message}`);
  assert.not.ok(/hunter[23]/.test(message), message);
});

t('two organisations with one key are refused', async (s) => {
  const cfg = await file(
    s.dir,
    'same-key.yaml',
    'organizations:\n  - { name: a, api_key: K, api_secret_env: S }\n  - { name: b, api_key: K, api_secret_env: S }\n',
  );
  const message = problemsOf(() => loadNamedParts({ SD_CONFIG_FILE: cfg, S: 'x' }, ['confluent']));
  assert.match(message, 'organizations[1] (b): uses the API key of a; each organisation has its own');
});

t('documents: selection, defaults and plan overrides', async (s) => {
  const cfg = await file(
    s.dir,
    'docs.yaml',
    `${ORGS.replace('api_secret_file: SECRET_FILE', 'api_secret_env: SECRET_PROD')}documents:
  - name: team-a
    organizations: prod
    environments: [payments-*, env-abc123]
    resource_types: [kafka]
    plan: { scrape_interval: 2m, scrapers: 3 }
  - prefix: ""
    targets: [a.example:9090, b.example]
    environments: { exclude: ["*-sandbox"] }
`,
  );
  const c = loadNamedParts({ SD_CONFIG_FILE: cfg, KEY_PROD: 'k', SECRET_PROD: 's' }, ['render']);
  const [a, b] = c.render.documents ?? [];
  assert.equal(
    [a?.name, a?.combination, a?.selection],
    [
      'team-a',
      { targets: ['api.telemetry.confluent.cloud'], prefix: 'confluent_' },
      {
        organizations: ['prod'],
        environments: { include: ['payments-*', 'env-abc123'] },
        resourceTypes: ['kafka'],
      },
    ],
  );
  assert.equal([a?.plan.intervalSeconds, a?.plan.scrapers], [120, 3]);
  assert.equal(
    [b?.name, b?.selection],
    ['noprefix--a.example-9090--b.example', { environments: { exclude: ['*-sandbox'] } }],
  );
  assert.equal([b?.plan.intervalSeconds, b?.plan.scrapers], [60, 2]);
});

t('without documents: the SD_TARGETS × SD_PREFIXES matrix, and no documents field', () => {
  const c = loadNamedParts({}, ['render']);
  assert.is(c.render.documents, undefined);
  assert.is(c.render.combinations.length, 2);
});

t('every problem of the documents at once', async (s) => {
  const cfg = await file(
    s.dir,
    'bad-docs.yaml',
    `documents:
  - name: x
    organizations: [prod]
    resource_types: [kafka, topic]
    prefix: confluent
    plan: { scrape_interval: 1s, colour: blue }
  - name: x
    environments: { only: [a] }
    targets: ["https://x/y"]
  - name: "../escape"
`,
  );
  const message = problemsOf(() => loadNamedParts({ SD_CONFIG_FILE: cfg }, ['render']));
  for (const want of [
    'documents[0]: organizations names "prod", which is not under organizations:',
    'documents[0]: resource_types: unknown topic',
    'documents[0]: prefix "confluent" must end with "_"',
    'documents[0]: plan.scrape_interval must be a duration',
    'documents[0]: plan: unknown key colour',
    'documents[1]: environments: unknown key only',
    'documents[1]: targets: target "https://x/y" must not have a scheme',
    'documents[2]: name "../escape" must match',
  ])
    assert.ok(message.includes(want), `missing "${want}" in:\n${message}`);
});

t('two documents with one name are refused, naming both', async (s) => {
  const cfg = await file(s.dir, 'dup.yaml', 'documents:\n  - environments: [a]\n  - environments: [b]\n');
  const message = problemsOf(() => loadNamedParts({ SD_CONFIG_FILE: cfg }, ['render']));
  assert.match(
    message,
    'documents 0 and 1 share the name "confluent--api.telemetry.confluent.cloud"; give each its own name:',
  );
});

t('the example of docs/ ("two organisations, three teams") loads', async (s) => {
  const secret = await file(s.dir, 'prod.secret', 'p-secret');
  const example = await import('node:fs').then((fs) =>
    fs.readFileSync(
      path.join(import.meta.dirname, '../../../docs/config-two-organisations-three-teams.yaml'),
      'utf8',
    ),
  );
  const cfg = await file(
    s.dir,
    'example.yaml',
    example.replace('/var/run/secrets/confluent-prod/api-secret', secret),
  );
  const env = { SD_CONFIG_FILE: cfg, CONFLUENT_API_KEY_PROD: 'P', CONFLUENT_API_SECRET_NONPROD: 'n-secret' };
  const c = loadNamedParts(env, ['confluent', 'render', 'store']);
  assert.equal(
    c.confluent.organizations?.map((o) => [o.name, o.apiKey, o.apiSecret]),
    [
      ['prod', 'P', 'p-secret'],
      ['nonprod', 'ABCDEFGHIJKLMNOP', 'n-secret'],
    ],
  );
  assert.equal(
    c.render.documents?.map((d) => d.name),
    ['payments', 'data', 'platform-nonprod', 'platform-prod-compute'],
  );
});

t.run();
