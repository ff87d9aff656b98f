import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError } from '../../../src/errors.js';
import { createLogger } from '../../../src/log.js';
import { createStore } from '../../../src/store/create-store.js';
import { withStoreRetry } from '../../../src/store/retrying-store.js';
import { isValidKey, type Store } from '../../../src/store/store.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** A store whose `head` throws the given errors in turn, then succeeds; counts attempts. */
function failingStore(errors: unknown[]) {
  let attempts = 0;
  const info = { key: 'k.json', size: 1, etag: '"e"', lastModified: new Date(0) };
  const unused = () => Promise.reject(new Error('not used'));
  const store: Store = {
    location: 'fake:',
    async head() {
      const err = errors[attempts++];
      if (err !== undefined) throw err;
      return info;
    },
    put: unused,
    create: unused,
    replace: unused,
    get: unused,
    getIfChanged: unused,
    getStream: unused,
    list: unused,
    delete: unused,
    check: unused,
    checkWritable: unused,
    close: async () => {},
  };
  return { store, attempts: () => attempts };
}

function run(errors: unknown[], retries = 3) {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger({
    level: 'warn',
    format: 'json',
    destination: { write: (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>) },
  });
  const fake = failingStore(errors);
  const store = withStoreRetry(fake.store, { retries, log, minTimeoutMs: 1 });
  return { store, lines, attempts: fake.attempts };
}

const unavailable = new AppError('STORE_UNAVAILABLE', 'head k.json in fake:: server returned HTTP 503', {
  retryable: true,
});

const cases: Array<[string, unknown[], number, number, string | undefined]> = [
  // name, errors thrown in turn, attempts, warn lines, final error code (undefined = success)
  ['succeeds at once', [], 1, 0, undefined],
  ['retries retryable errors then succeeds', [unavailable, unavailable], 3, 2, undefined],
  [
    'gives up after the retries',
    [unavailable, unavailable, unavailable, unavailable, unavailable],
    4,
    4,
    'STORE_UNAVAILABLE',
  ],
  [
    'never retries not found, and does not warn',
    [new AppError('STORE_NOT_FOUND', 'gone')],
    1,
    0,
    'STORE_NOT_FOUND',
  ],
  [
    'never retries a refused conditional write, and does not warn (the caller decides)',
    [new AppError('STORE_CONFLICT', 'create k.json in fake:: object already exists')],
    1,
    0,
    'STORE_CONFLICT',
  ],
  [
    'never retries a non-retryable error',
    [new AppError('STORE_UNAVAILABLE', 'refused')],
    1,
    1,
    'STORE_UNAVAILABLE',
  ],
  ['never retries a bare Error', [new Error('bug')], 1, 1, 'none'],
];

for (const [name, errors, wantAttempts, wantWarns, wantCode] of cases) {
  test(`withStoreRetry: ${name}`, async () => {
    const { store, lines, attempts } = run(errors);
    let code: string | undefined;
    try {
      await store.head('k.json');
    } catch (err) {
      code = err instanceof AppError ? err.code : 'none';
    }
    assert.equal(
      { attempts: attempts(), warns: lines.length, code },
      { attempts: wantAttempts, warns: wantWarns, code: wantCode },
    );
  });
}

test('isValidKey', () => {
  const table: Array<[string, boolean]> = [
    ['latest/manifest.json', true],
    ['snapshots/20260101T000000Z/kafka_env-1.json', true],
    ['.hidden.json', true],
    ['../x', false],
    ['/abs', false],
    ['a//b', false],
    ['a/./b', false],
    ['a/..', false],
    ['a\0b', false],
    ['dir/', false],
    ['', false],
  ];
  assert.equal(
    table.map(([k]) => [k, isValidKey(k)]),
    table,
  );
});

test('createStore picks the store named by SD_STORE', async () => {
  const file = createStore({ kind: 'file', dir: '/srv/sd' });
  const s3 = createStore({
    kind: 's3',
    bucket: 'b-1',
    prefix: 'sd/prod',
    region: 'eu-west-1',
    endpoint: 'http://127.0.0.1:9',
  });
  try {
    assert.equal([file.location, s3.location], ['file:/srv/sd', 's3://b-1/sd/prod']);
  } finally {
    await s3.close();
  }
});

test.run();
