/** SD_CONFIG_FILE: a YAML map merged under the environment (defaults < file < env), secrets and unknown keys refused. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readProgramVars } from '../../../src/config-parts.js';
import { loadNamedParts } from '../../helpers/config.js';

const t = suite<{ dir: string }>('config vars');
t.before(async (s) => {
  s.dir = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-vars-'));
});
t.after(async (s) => {
  await rm(s.dir, { recursive: true, force: true });
});

async function configFile(dir: string, yaml: string): Promise<string> {
  const file = path.join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, yaml);
  return file;
}

t('defaults < file < environment', async (s) => {
  const file = await configFile(s.dir, 'SD_MAX_SHRINK: 0.25\nSD_BATCH_SIZE: 10\nLOG_LEVEL: debug\n');
  const c = loadNamedParts({ SD_CONFIG_FILE: file, SD_BATCH_SIZE: '20' }, ['publish', 'render', 'log']);
  assert.equal(
    [c.publish.maxShrink, c.render.batchSize, c.log.level, c.log.format],
    [0.25, 20, 'debug', 'json'],
  );
});

t('a relative SD_CONFIG_FILE is read from the working directory', async (s) => {
  const file = await configFile(s.dir, 'SD_STORE: file:bucket\n');
  const c = loadNamedParts({ SD_CONFIG_FILE: path.basename(file) }, ['store'], s.dir);
  assert.equal(c.store, { kind: 'file', dir: path.join(s.dir, 'bucket') });
});

t('unknown keys, secrets and maps are refused, each named, with the other problems', async (s) => {
  const file = await configFile(
    s.dir,
    'SD_STORES: file:x\nCONFLUENT_API_SECRET: s\nSD_BEARER_TOKENS: aaaaaaaaaaaaaaaa\nSD_TARGETS: {a: 1}\n',
  );
  const vars = readProgramVars({ SD_CONFIG_FILE: file }, s.dir);
  assert.equal(vars.problems, [
    `SD_CONFIG_FILE ${file}: unknown key SD_STORES`,
    `SD_CONFIG_FILE ${file}: CONFLUENT_API_SECRET is a secret, set it in the environment (CONFLUENT_API_SECRET) or in a file (CONFLUENT_API_SECRET_FILE)`,
    `SD_CONFIG_FILE ${file}: SD_BEARER_TOKENS is a secret, set it in the environment (SD_BEARER_TOKENS) or in a file (SD_BEARER_TOKEN_FILE)`,
    `SD_CONFIG_FILE ${file}: SD_TARGETS must be a string`,
  ]);
  assert.throws(
    () => loadNamedParts({ SD_CONFIG_FILE: file, SD_BATCH_SIZE: '0' }, ['log', 'render']),
    (err: Error) =>
      err.message ===
      [
        'invalid configuration:',
        `SD_CONFIG_FILE ${file}: unknown key SD_STORES`,
        `SD_CONFIG_FILE ${file}: CONFLUENT_API_SECRET is a secret, set it in the environment (CONFLUENT_API_SECRET) or in a file (CONFLUENT_API_SECRET_FILE)`,
        `SD_CONFIG_FILE ${file}: SD_BEARER_TOKENS is a secret, set it in the environment (SD_BEARER_TOKENS) or in a file (SD_BEARER_TOKEN_FILE)`,
        `SD_CONFIG_FILE ${file}: SD_TARGETS must be a string`,
        'SD_BATCH_SIZE must be a whole number from 1 to 1000, got "0"',
      ].join('\n  - '),
  );
});

t('a file that is not a map, or not YAML, or missing, is one problem', async (s) => {
  const list = await configFile(s.dir, '- a\n- b\n');
  assert.equal(readProgramVars({ SD_CONFIG_FILE: list }, s.dir).problems, [
    `SD_CONFIG_FILE ${list}: must be a map of variable names to values`,
  ]);
  const broken = await configFile(s.dir, 'a: [\n');
  assert.match(
    readProgramVars({ SD_CONFIG_FILE: broken }, s.dir).problems.join(),
    `SD_CONFIG_FILE ${broken}: `,
  );
  const missing = path.join(s.dir, 'missing.yaml');
  assert.match(readProgramVars({ SD_CONFIG_FILE: missing }, s.dir).problems.join(), /ENOENT/);
  const empty = await configFile(s.dir, '');
  assert.equal(readProgramVars({ SD_CONFIG_FILE: empty }, s.dir).problems, []);
});

t('the file is read once: the variables are a frozen snapshot', async (s) => {
  const file = await configFile(s.dir, 'SD_MAX_SHRINK: 0.25\n');
  const vars = readProgramVars({ SD_CONFIG_FILE: file, SD_UNSET: undefined }, s.dir);
  await writeFile(file, 'SD_MAX_SHRINK: 0.75\n');
  assert.equal(vars.values, { SD_CONFIG_FILE: file, SD_MAX_SHRINK: '0.25' });
  assert.ok(Object.isFrozen(vars.values));
});

t.run();
