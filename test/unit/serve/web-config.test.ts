import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError } from '../../../src/errors.js';
import { loadWebConfig, parseWebConfig, type WebTlsConfig } from '../../../src/serve/web-config.js';

const FILE = '/etc/confluent-sd/web.yml';
const PAIR = 'tls_server_config:\n  cert_file: tls.crt\n  key_file: /abs/tls.key\n';

/** The config, or the CONFIG_INVALID message without its `SD_WEB_CONFIG_FILE <file>: ` head. */
function parse(text: string): WebTlsConfig | string {
  try {
    return parseWebConfig(text, FILE);
  } catch (err) {
    assert.instance(err, AppError);
    assert.is((err as AppError).code, 'CONFIG_INVALID');
    return (err as Error).message.replace(`SD_WEB_CONFIG_FILE ${FILE}: `, '');
  }
}

const ACCEPTED: [name: string, text: string, want: WebTlsConfig][] = [
  [
    'the pair alone: relative paths against the file directory, NoClientCert, TLS 1.2 and up',
    PAIR,
    {
      certFile: '/etc/confluent-sd/tls.crt',
      keyFile: '/abs/tls.key',
      clientAuthType: 'NoClientCert',
      minVersion: 'TLSv1.2',
    },
  ],
  [
    'mTLS with TLS 1.3 only',
    `${PAIR}  client_ca_file: ca/ca.crt\n  client_auth_type: RequireAndVerifyClientCert\n  min_version: TLS13\n  max_version: TLS13\n`,
    {
      certFile: '/etc/confluent-sd/tls.crt',
      keyFile: '/abs/tls.key',
      clientCaFile: '/etc/confluent-sd/ca/ca.crt',
      clientAuthType: 'RequireAndVerifyClientCert',
      minVersion: 'TLSv1.3',
      maxVersion: 'TLSv1.3',
    },
  ],
  [
    'RequireAnyClientCert needs no CA; prefer_server_cipher_suites accepted (a no-op in Go)',
    `${PAIR}  client_auth_type: RequireAnyClientCert\n  prefer_server_cipher_suites: true\n`,
    {
      certFile: '/etc/confluent-sd/tls.crt',
      keyFile: '/abs/tls.key',
      clientAuthType: 'RequireAnyClientCert',
      minVersion: 'TLSv1.2',
    },
  ],
];

for (const [name, text, want] of ACCEPTED) test(`accepts: ${name}`, () => assert.equal(parse(text), want));

const REFUSED: [name: string, text: string, want: string][] = [
  ['not YAML', 'tls_server_config: [', 'not valid YAML: '],
  ['a list', '- a', 'must be a YAML map with tls_server_config'],
  ['an empty file', '', 'must be a YAML map with tls_server_config'],
  [
    'no tls_server_config',
    'other: 1\n',
    'other is not a known key; tls_server_config (a map with cert_file and key_file) is required; tls_server_config.cert_file is required; tls_server_config.key_file is required',
  ],
  [
    'basic_auth_users',
    `${PAIR}basic_auth_users: {a: b}\n`,
    'basic_auth_users is not supported by confluent-sd: use bearer tokens (SD_BEARER_TOKENS, SD_BEARER_TOKEN_FILE)',
  ],
  [
    'an unknown key, a misspelt one',
    `${PAIR}  client_auth: RequireAnyClientCert\n`,
    'tls_server_config.client_auth is not a known key',
  ],
  ['inline cert', `${PAIR}  cert: abc\n`, 'tls_server_config.cert is not supported by confluent-sd'],
  ['key_file missing', 'tls_server_config:\n  cert_file: a.crt\n', 'tls_server_config.key_file is required'],
  [
    'a path that is not text',
    'tls_server_config:\n  cert_file: 3\n  key_file: k\n',
    'tls_server_config.cert_file must be a file path, got 3; tls_server_config.cert_file is required',
  ],
  [
    'a client_auth_type Go does not have',
    `${PAIR}  client_auth_type: Required\n`,
    'tls_server_config.client_auth_type must be one of NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert, got "Required"',
  ],
  [
    'verify without a CA',
    `${PAIR}  client_auth_type: VerifyClientCertIfGiven\n`,
    'tls_server_config.client_auth_type VerifyClientCertIfGiven needs client_ca_file to verify against',
  ],
  [
    'a CA without a policy (exporter-toolkit refuses it too)',
    `${PAIR}  client_ca_file: ca.crt\n`,
    'tls_server_config.client_ca_file is set but client_auth_type is NoClientCert',
  ],
  [
    'TLS 1.0',
    `${PAIR}  min_version: TLS10\n`,
    'tls_server_config.min_version must be TLS12 or TLS13, got "TLS10"',
  ],
  [
    'max below min',
    `${PAIR}  min_version: TLS13\n  max_version: TLS12\n`,
    'tls_server_config.max_version TLS12 is below min_version TLS13',
  ],
];

for (const [name, text, want] of REFUSED)
  test(`refuses: ${name}`, () => {
    const got = parse(text);
    assert.type(got, 'string');
    if (name === 'not YAML') assert.ok((got as string).startsWith(want), String(got));
    else assert.is(got, want);
  });

test('loadWebConfig: names every file it cannot read, and an unreadable config file', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-webcfg-'));
  try {
    const file = path.join(dir, 'web.yml');
    await writeFile(path.join(dir, 'tls.crt'), 'x');
    await writeFile(
      file,
      'tls_server_config: {cert_file: tls.crt, key_file: nope.key, client_ca_file: ca.crt, client_auth_type: RequireAndVerifyClientCert}',
    );
    await loadWebConfig(file).then(
      () => assert.unreachable('loaded'),
      (err: AppError) => {
        assert.is(err.code, 'CONFIG_INVALID');
        assert.is(
          err.message,
          `SD_WEB_CONFIG_FILE ${file}: tls_server_config.key_file ${dir}/nope.key cannot be read (ENOENT); tls_server_config.client_ca_file ${dir}/ca.crt cannot be read (ENOENT)`,
        );
      },
    );
    await loadWebConfig(path.join(dir, 'absent.yml')).then(
      () => assert.unreachable('loaded'),
      (err: AppError) =>
        assert.match(err.message, /^SD_WEB_CONFIG_FILE .*absent\.yml: cannot be read: ENOENT/),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
