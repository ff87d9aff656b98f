/** The `store` config part: SD_STORE (`file:<dir>` or `s3://<bucket>/<prefix>`), S3_ENDPOINT and AWS_REGION. */
import path from 'node:path';
import { anyText, parseHttpUrl } from '../config/fields.js';
import { defineConfigPart } from '../config/part.js';

export type StoreConfig =
  | { kind: 'file'; dir: string }
  | { kind: 's3'; bucket: string; prefix: string; endpoint?: string; region: string };

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
  { SD_STORE: anyText(), S3_ENDPOINT: anyText(), AWS_REGION: anyText() },
  {
    defaults: { SD_STORE: 'file:./data', AWS_REGION: 'us-east-1' },
    // read by the AWS SDK's default credential chain
    external: [
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_PROFILE',
      'AWS_ROLE_ARN',
      'AWS_WEB_IDENTITY_TOKEN_FILE',
    ],
    checks: [
      { reads: ['SD_STORE', 'S3_ENDPOINT', 'AWS_REGION'], check: (v, problems) => parseStore(v, problems) },
    ],
    build: (v, { cwd }): StoreConfig => {
      const store = parseStore(v, []);
      return store.kind === 'file' ? { kind: 'file', dir: path.resolve(cwd, store.dir) } : store;
    },
  },
);
