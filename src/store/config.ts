/**
 * The `store` config part: SD_STORE (`file:<dir>` or `s3://<bucket>/<prefix>`), S3_ENDPOINT, AWS_REGION and the
 * static AWS keys (or their `_FILE`s).
 */
import path from 'node:path';
import { anyText, optionalText, parseHttpUrl } from '../config/fields.js';
import { defineConfigPart } from '../config/part.js';
import { PROXY_FIELDS, type ProxyConfig, proxyFromValues } from '../config/proxy.js';

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export type StoreConfig =
  | { kind: 'file'; dir: string }
  | {
      kind: 's3';
      bucket: string;
      prefix: string;
      endpoint?: string;
      region: string;
      /** Set when the keys were given (variables or their `_FILE`s); otherwise the SDK's default chain. */
      credentials?: S3Credentials;
      /** HTTPS_PROXY / HTTP_PROXY / NO_PROXY; absent when no proxy is set. */
      proxy?: ProxyConfig;
    };

const AWS_KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;
type AwsKeys = Record<(typeof AWS_KEYS)[number], string | undefined>;

/** The static keys, when given: the id and the secret go together, a session token needs both. */
function parseCredentials(v: AwsKeys, problems: string[]): S3Credentials | undefined {
  const id = v.AWS_ACCESS_KEY_ID;
  const secret = v.AWS_SECRET_ACCESS_KEY;
  if (id === undefined && secret === undefined && v.AWS_SESSION_TOKEN === undefined) return undefined;
  if (id === undefined || secret === undefined) {
    problems.push(
      'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together (or their _FILEs): set both or neither',
    );
    return undefined;
  }
  return {
    accessKeyId: id,
    secretAccessKey: secret,
    ...(v.AWS_SESSION_TOKEN ? { sessionToken: v.AWS_SESSION_TOKEN } : {}),
  };
}

/** SD_STORE, S3_ENDPOINT and AWS_REGION → the store; a file store's directory is still as written. */
function parseStore(
  v: Record<'SD_STORE' | 'S3_ENDPOINT' | 'AWS_REGION', string>,
  problems: string[],
): StoreConfig {
  const text = v.SD_STORE.trim();
  if (text.startsWith('file:')) {
    const dir = text.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
    if (dir === '') problems.push('SD_STORE file: needs a directory, e.g. file:./data');
    return { kind: 'file', dir: dir || '.' };
  }
  if (text.startsWith('s3://')) {
    const rest = text.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash === -1 ? rest : rest.slice(0, slash);
    const prefix = slash === -1 ? '' : rest.slice(slash + 1).replace(/^\/+|\/+$/g, '');
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      problems.push(`SD_STORE has an invalid bucket name "${bucket}" (s3://bucket/prefix)`);
    }
    if (prefix && !/^[A-Za-z0-9_.\-/]+$/.test(prefix)) {
      problems.push(`SD_STORE prefix "${prefix}" may only hold letters, digits, "_", ".", "-" and "/"`);
    }
    // S3_ENDPOINT counts only for an s3:// store; unset or blank means AWS itself
    const endpoint = v.S3_ENDPOINT.trim() ? parseHttpUrl(v.S3_ENDPOINT, 'S3_ENDPOINT', problems) : undefined;
    return {
      kind: 's3',
      bucket,
      prefix,
      region: v.AWS_REGION.trim() || 'us-east-1',
      ...(endpoint ? { endpoint } : {}),
    };
  }
  problems.push(`SD_STORE must be file:<dir> or s3://<bucket>/<prefix>, got "${text}"`);
  return { kind: 'file', dir: 'data' };
}

export const storePart = defineConfigPart(
  {
    SD_STORE: anyText(),
    S3_ENDPOINT: anyText(),
    AWS_REGION: anyText(),
    AWS_ACCESS_KEY_ID: optionalText(),
    AWS_SECRET_ACCESS_KEY: optionalText(),
    AWS_SESSION_TOKEN: optionalText(),
    ...PROXY_FIELDS,
  },
  {
    defaults: { SD_STORE: 'file:./data', AWS_REGION: 'us-east-1' },
    // static keys are read here (so they can come from files too) and given to the client; these the SDK's
    // default credential chain reads itself
    external: ['AWS_PROFILE', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE'],
    secrets: [...AWS_KEYS],
    fromFile: [...AWS_KEYS],
    checks: [
      { reads: ['SD_STORE', 'S3_ENDPOINT', 'AWS_REGION'], check: (v, problems) => parseStore(v, problems) },
      { reads: [...AWS_KEYS], check: (v, problems) => parseCredentials(v, problems) },
    ],
    build: (v, { cwd }): StoreConfig => {
      const store = parseStore(v, []);
      if (store.kind === 'file') return { kind: 'file', dir: path.resolve(cwd, store.dir) };
      const credentials = parseCredentials(v, []);
      const proxy = proxyFromValues(v);
      return { ...store, ...(credentials ? { credentials } : {}), ...(proxy ? { proxy } : {}) };
    },
  },
);
