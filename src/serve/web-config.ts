/**
 * SD_WEB_CONFIG_FILE: the Prometheus exporter-toolkit web configuration file (the `--web.config.file` of
 * node_exporter and Prometheus itself), of which the server reads `tls_server_config`. Validated as strictly as
 * exporter-toolkit does (it unmarshals strictly, so an unknown key is an error), every problem reported in one
 * CONFIG_INVALID. Relative file paths resolve against the web config file's directory, as exporter-toolkit's
 * `SetDirectory` does. The certificate files themselves are read (and re-read) by tls.ts.
 */
import { access, constants, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { AppError } from '../errors.js';

/** exporter-toolkit's names for Go's `tls.ClientAuthType`. */
export const CLIENT_AUTH_TYPES = [
  'NoClientCert',
  'RequestClientCert',
  'RequireAnyClientCert',
  'VerifyClientCertIfGiven',
  'RequireAndVerifyClientCert',
] as const;
export type ClientAuthType = (typeof CLIENT_AUTH_TYPES)[number];

/** exporter-toolkit's version names; below TLS 1.2 is not offered (Node's own floor). */
const TLS_VERSIONS = { TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' } as const;
export type TlsVersion = (typeof TLS_VERSIONS)[keyof typeof TLS_VERSIONS];

export interface WebTlsConfig {
  /** Absolute paths. */
  certFile: string;
  keyFile: string;
  clientCaFile?: string;
  clientAuthType: ClientAuthType;
  minVersion: TlsVersion;
  maxVersion?: TlsVersion;
}

/** Keys exporter-toolkit knows that the server does not implement: named as such rather than as unknown. */
const UNSUPPORTED_TOP = {
  basic_auth_users: 'use bearer tokens (SD_BEARER_TOKENS, SD_BEARER_TOKEN_FILE)',
  http_server_config: 'HTTP/2 and extra headers are not offered',
} as const;
const UNSUPPORTED_TLS = [
  'cert',
  'key',
  'client_ca',
  'client_allowed_sans',
  'cipher_suites',
  'curve_preferences',
];
const TLS_KEYS = [
  'cert_file',
  'key_file',
  'client_ca_file',
  'client_auth_type',
  'min_version',
  'max_version',
];

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(map: Record<string, unknown>, problems: string[]): void {
  for (const key of Object.keys(map)) {
    if (key === 'prefer_server_cipher_suites') continue; // a no-op in Go since 1.17: accepted as exporter-toolkit does
    if (UNSUPPORTED_TLS.includes(key))
      problems.push(`tls_server_config.${key} is not supported by confluent-sd`);
    else if (!TLS_KEYS.includes(key)) problems.push(`tls_server_config.${key} is not a known key`);
  }
}

function readPath(
  map: Record<string, unknown>,
  key: string,
  dir: string,
  problems: string[],
): string | undefined {
  const v = map[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') {
    problems.push(`tls_server_config.${key} must be a file path, got ${JSON.stringify(v)}`);
    return undefined;
  }
  return path.resolve(dir, v);
}

function readVersion(map: Record<string, unknown>, key: string, problems: string[]): TlsVersion | undefined {
  const v = map[key];
  if (v === undefined || v === null || v === '') return undefined;
  const version = typeof v === 'string' ? TLS_VERSIONS[v as keyof typeof TLS_VERSIONS] : undefined;
  if (!version) problems.push(`tls_server_config.${key} must be TLS12 or TLS13, got ${JSON.stringify(v)}`);
  return version;
}

function readClientAuth(map: Record<string, unknown>, problems: string[]): ClientAuthType {
  const v = map.client_auth_type;
  if (v === undefined || v === null || v === '') return 'NoClientCert';
  if (!(CLIENT_AUTH_TYPES as readonly unknown[]).includes(v)) {
    problems.push(
      `tls_server_config.client_auth_type must be one of ${CLIENT_AUTH_TYPES.join(', ')}, got ${JSON.stringify(v)}`,
    );
    return 'NoClientCert';
  }
  return v as ClientAuthType;
}

/** The TLS settings of `tls_server_config`, or the problems found in it (pushed to `problems`). */
function readTlsServerConfig(map: Record<string, unknown>, dir: string, problems: string[]): WebTlsConfig {
  checkKeys(map, problems);
  const certFile = readPath(map, 'cert_file', dir, problems);
  const keyFile = readPath(map, 'key_file', dir, problems);
  const clientCaFile = readPath(map, 'client_ca_file', dir, problems);
  const clientAuthType = readClientAuth(map, problems);
  const minVersion = readVersion(map, 'min_version', problems) ?? 'TLSv1.2';
  const maxVersion = readVersion(map, 'max_version', problems);
  if (!certFile) problems.push('tls_server_config.cert_file is required');
  if (!keyFile) problems.push('tls_server_config.key_file is required');
  // exporter-toolkit refuses this pair too ("Client CA's have been configured without a Client Auth Policy")
  if (clientCaFile && clientAuthType === 'NoClientCert')
    problems.push('tls_server_config.client_ca_file is set but client_auth_type is NoClientCert');
  if (
    !clientCaFile &&
    (clientAuthType === 'VerifyClientCertIfGiven' || clientAuthType === 'RequireAndVerifyClientCert')
  )
    problems.push(
      `tls_server_config.client_auth_type ${clientAuthType} needs client_ca_file to verify against`,
    );
  if (maxVersion === 'TLSv1.2' && minVersion === 'TLSv1.3')
    problems.push('tls_server_config.max_version TLS12 is below min_version TLS13');
  return {
    certFile: certFile ?? '',
    keyFile: keyFile ?? '',
    ...(clientCaFile ? { clientCaFile } : {}),
    clientAuthType,
    minVersion,
    ...(maxVersion ? { maxVersion } : {}),
  };
}

function invalid(file: string, problems: string[]): AppError {
  return new AppError('CONFIG_INVALID', `SD_WEB_CONFIG_FILE ${file}: ${problems.join('; ')}`);
}

/** Pure: the text of a web config file at `file` (relative paths in it resolve against its directory). */
export function parseWebConfig(text: string, file: string): WebTlsConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw invalid(file, [`not valid YAML: ${(err as Error).message.split('\n')[0]}`]);
  }
  const problems: string[] = [];
  if (!isMap(doc)) throw invalid(file, ['must be a YAML map with tls_server_config']);
  for (const key of Object.keys(doc)) {
    const why = UNSUPPORTED_TOP[key as keyof typeof UNSUPPORTED_TOP];
    if (why) problems.push(`${key} is not supported by confluent-sd: ${why}`);
    else if (key !== 'tls_server_config') problems.push(`${key} is not a known key`);
  }
  const tls = doc.tls_server_config;
  if (!isMap(tls)) problems.push('tls_server_config (a map with cert_file and key_file) is required');
  const config = readTlsServerConfig(isMap(tls) ? tls : {}, path.dirname(path.resolve(file)), problems);
  if (problems.length > 0) throw invalid(file, [...new Set(problems)]);
  return config;
}

/** Reads and checks the web config file, and that the files it names can be read. */
export async function loadWebConfig(file: string): Promise<WebTlsConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new AppError(
      'CONFIG_INVALID',
      `SD_WEB_CONFIG_FILE ${file}: cannot be read: ${(err as Error).message}`,
    );
  }
  const config = parseWebConfig(text, file);
  const files: [string, string | undefined][] = [
    ['cert_file', config.certFile],
    ['key_file', config.keyFile],
    ['client_ca_file', config.clientCaFile],
  ];
  const problems: string[] = [];
  for (const [key, name] of files) {
    if (name === undefined) continue;
    await access(name, constants.R_OK).catch((err: NodeJS.ErrnoException) => {
      problems.push(`tls_server_config.${key} ${name} cannot be read (${err.code ?? err.message})`);
    });
  }
  if (problems.length > 0) throw invalid(file, problems);
  return config;
}
