/**
 * Every secret from a file too (issue 16.2): `<name>_FILE` the way a Kubernetes Secret is mounted, one source per
 * secret, the trailing newline trimmed, an unusable file named by its path and never quoted; and what
 * SD_CONFIG_FILE may hold: no secret, no credential, no variable only the AWS SDK reads.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ENV_VARIABLES, readProgramVars } from '../../../src/config-parts.js';
import { loadNamedParts } from '../../helpers/config.js';

const t = suite<{ dir: string }>('config: secrets from files');
t.before(async (s) => {
  s.dir = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-secret-files-'));
});
t.after(async (s) => {
  await rm(s.dir, { recursive: true, force: true });
});

async function secretFile(dir: string, name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

const SECRET = 'Zq8+/sEcReT-value-42';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    return (err as Error).message.split('\n  - ').slice(1);
  }
  return [];
}

t('the Confluent key from files: trailing newline trimmed, relative to the working directory', async (s) => {
  await secretFile(s.dir, 'key', 'KEYID\n');
  await secretFile(s.dir, 'secret', `${SECRET}\r\n`);
  const c = loadNamedParts(
    { CONFLUENT_API_KEY_FILE: 'key', CONFLUENT_API_SECRET_FILE: path.join(s.dir, 'secret') },
    ['confluent'],
    s.dir,
  );
  assert.equal([c.confluent.apiKey, c.confluent.apiSecret], ['KEYID', SECRET]);
});

t('a variable and its _FILE both set is CONFIG_INVALID, said once', async (s) => {
  const file = await secretFile(s.dir, 'both', SECRET);
  const problems = problemsOf(() =>
    loadNamedParts({ CONFLUENT_API_KEY: 'K', CONFLUENT_API_SECRET: 'x', CONFLUENT_API_SECRET_FILE: file }, [
      'confluent',
    ]),
  );
  assert.equal(problems, [
    'CONFLUENT_API_SECRET and CONFLUENT_API_SECRET_FILE are both set; set one of them',
  ]);
});

t('a missing, unreadable or empty file names the path and never the content', async (s) => {
  const missing = path.join(s.dir, 'missing');
  const directory = path.join(s.dir, 'a-dir');
  await mkdir(directory, { recursive: true });
  const empty = await secretFile(s.dir, 'empty', '\n');
  const cases: [string, string, string][] = [
    ['missing', missing, `CONFLUENT_API_SECRET_FILE ${missing}: cannot read the file (ENOENT)`],
    ['a directory', directory, `CONFLUENT_API_SECRET_FILE ${directory}: cannot read the file (EISDIR)`],
    ['empty', empty, `CONFLUENT_API_SECRET_FILE ${empty}: the file is empty`],
  ];
  for (const [name, file, want] of cases) {
    const problems = problemsOf(() =>
      loadNamedParts({ CONFLUENT_API_KEY: 'K', CONFLUENT_API_SECRET_FILE: file }, ['confluent']),
    );
    assert.equal(problems, [want], name);
  }
});

t('the AWS keys from files are given to the S3 client; the id without the secret is refused', async (s) => {
  const id = await secretFile(s.dir, 'aws-id', 'AKIAEXAMPLE\n');
  const secret = await secretFile(s.dir, 'aws-secret', `${SECRET}\n`);
  const token = await secretFile(s.dir, 'aws-token', 'session-token\n');
  const c = loadNamedParts(
    {
      SD_STORE: 's3://bucket/p',
      AWS_ACCESS_KEY_ID_FILE: id,
      AWS_SECRET_ACCESS_KEY_FILE: secret,
      AWS_SESSION_TOKEN_FILE: token,
    },
    ['store'],
  );
  assert.equal(c.store, {
    kind: 's3',
    bucket: 'bucket',
    prefix: 'p',
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: SECRET, sessionToken: 'session-token' },
  });
  assert.equal(
    problemsOf(() => loadNamedParts({ SD_STORE: 's3://bucket/p', AWS_ACCESS_KEY_ID: 'A' }, ['store'])),
    ['AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together (or their _FILEs): set both or neither'],
  );
  const plain = loadNamedParts({ SD_STORE: 's3://bucket/p' }, ['store']);
  assert.equal(plain.store, { kind: 's3', bucket: 'bucket', prefix: 'p', region: 'us-east-1' });
});

t('a part the command does not load cannot fail it through a file', () => {
  const c = loadNamedParts({ CONFLUENT_API_SECRET_FILE: '/nonexistent/secret' }, ['store']);
  assert.equal(c.store.kind, 'file');
});

t('SD_BEARER_TOKENS and SD_BEARER_TOKEN_FILE both set is CONFIG_INVALID', () => {
  const problems = problemsOf(() =>
    loadNamedParts({ SD_BEARER_TOKENS: 'aaaaaaaaaaaaaaaa', SD_BEARER_TOKEN_FILE: '/run/secrets/tokens' }, [
      'serve',
    ]),
  );
  assert.equal(problems, ['SD_BEARER_TOKENS and SD_BEARER_TOKEN_FILE are both set; set one of them']);
});

t(
  'SD_CONFIG_FILE refuses every secret and credential with one message, and what only the SDK reads',
  async (s) => {
    const file = await secretFile(
      s.dir,
      'config.yaml',
      [
        'CONFLUENT_API_KEY: k',
        `CONFLUENT_API_SECRET: "${SECRET}"`,
        'AWS_ACCESS_KEY_ID: a',
        `AWS_SECRET_ACCESS_KEY: "${SECRET}"`,
        'AWS_SESSION_TOKEN: t',
        'SD_BEARER_TOKENS: aaaaaaaaaaaaaaaa',
        'AWS_PROFILE: prod',
        'CONFLUENT_API_SECRET_FILE: /run/secrets/confluent/secret',
        '',
      ].join('\n'),
    );
    const vars = readProgramVars({ SD_CONFIG_FILE: file }, s.dir);
    const refused = (k: string, f: string) =>
      `SD_CONFIG_FILE ${file}: ${k} is a secret, set it in the environment (${k}) or in a file (${f})`;
    assert.equal(vars.problems, [
      refused('CONFLUENT_API_KEY', 'CONFLUENT_API_KEY_FILE'),
      refused('CONFLUENT_API_SECRET', 'CONFLUENT_API_SECRET_FILE'),
      refused('AWS_ACCESS_KEY_ID', 'AWS_ACCESS_KEY_ID_FILE'),
      refused('AWS_SECRET_ACCESS_KEY', 'AWS_SECRET_ACCESS_KEY_FILE'),
      refused('AWS_SESSION_TOKEN', 'AWS_SESSION_TOKEN_FILE'),
      refused('SD_BEARER_TOKENS', 'SD_BEARER_TOKEN_FILE'),
      `SD_CONFIG_FILE ${file}: AWS_PROFILE is read by the AWS SDK from the environment only`,
    ]);
    // a path is no secret
    assert.is(vars.values.CONFLUENT_API_SECRET_FILE, '/run/secrets/confluent/secret');
  },
);

t('a broken SD_CONFIG_FILE is reported by position, without quoting its lines', async (s) => {
  const file = await secretFile(
    s.dir,
    'broken.yaml',
    `SD_BATCH_SIZE: 10\nCONFLUENT_API_SECRET: [${SECRET}\n`,
  );
  const problems = readProgramVars({ SD_CONFIG_FILE: file }, s.dir).problems;
  assert.is(problems.length, 1);
  assert.match(
    problems[0] ?? '',
    new RegExp(`^SD_CONFIG_FILE ${file}: not valid YAML \\(\\w+ at line \\d+, column \\d+\\)$`),
  );
  assert.not.match(problems.join(), SECRET);
});

t('every _FILE variant is a known variable', () => {
  for (const name of [
    'CONFLUENT_API_KEY_FILE',
    'CONFLUENT_API_SECRET_FILE',
    'AWS_ACCESS_KEY_ID_FILE',
    'AWS_SECRET_ACCESS_KEY_FILE',
    'AWS_SESSION_TOKEN_FILE',
    'SD_BEARER_TOKEN_FILE',
  ])
    assert.ok(ENV_VARIABLES.includes(name), name);
});

t.run();
