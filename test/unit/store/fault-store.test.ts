import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError, isAppError } from '../../../src/errors.js';
import { createSilentLogger } from '../../../src/log.js';
import { type FaultRule, type StoreOp, withFaults } from '../../../src/store/fault-store.js';
import { createMemoryStore } from '../../../src/store/memory-store.js';
import { withStoreRetry } from '../../../src/store/retrying-store.js';
import type { Store } from '../../../src/store/store.js';

type Call = [op: StoreOp, key?: string];

/** Runs the calls in turn; each answers 'ok' or the code of the error it threw. */
async function outcomes(store: Store, calls: Call[]): Promise<string[]> {
  const out: string[] = [];
  for (const [op, key = 'k.json'] of calls) {
    try {
      if (op === 'put') await store.put(key, key, 'application/json');
      else if (op === 'get') await store.get(key);
      else if (op === 'getIfChanged') await store.getIfChanged(key, undefined);
      else if (op === 'head') await store.head(key);
      else if (op === 'list') await store.list(key);
      else if (op === 'delete') await store.delete(key);
      else if (op === 'check') await store.check();
      else if (op === 'checkWritable') await store.checkWritable();
      else throw new Error(`no case for ${op}`);
      out.push('ok');
    } catch (err) {
      out.push(isAppError(err) ? err.code : String(err));
    }
  }
  return out;
}

const refused = new AppError('STORE_WRITE', 'put refused');
const U = 'STORE_UNAVAILABLE';

const cases: Array<[string, FaultRule | FaultRule[], Call[], string[]]> = [
  // name, rules, calls in turn, outcome of each
  ['an op alone fails every call of it', { op: 'put' }, [['put'], ['put'], ['delete']], [U, U, 'ok']],
  [
    'from and times pick the nth call',
    { op: 'put', from: 2, times: 1 },
    [['put'], ['put'], ['put']],
    ['ok', U, 'ok'],
  ],
  [
    'from alone fails every call from it on',
    { op: 'put', from: 2 },
    [['put'], ['put'], ['put']],
    ['ok', U, U],
  ],
  [
    'a string key test is a prefix, and only matching calls count',
    { op: 'put', key: 'latest/', from: 2 },
    [
      ['put', 'snapshots/1/a.json'],
      ['put', 'latest/a.json'],
      ['put', 'snapshots/1/b.json'],
      ['put', 'latest/b.json'],
    ],
    ['ok', 'ok', 'ok', U],
  ],
  [
    'a RegExp key test, global or not, matches every time',
    { op: 'put', key: /manifest\.json$/g },
    [
      ['put', 'latest/manifest.json'],
      ['put', 'latest/manifest.json'],
      ['put', 'latest/a.json'],
    ],
    [U, U, 'ok'],
  ],
  [
    'several ops in one rule share the count',
    { op: ['get', 'head'], from: 2, times: 2 },
    [['put'], ['get'], ['head'], ['get'], ['head']],
    ['ok', 'ok', U, U, 'ok'],
  ],
  ['a chosen error is thrown as given', { op: 'put', error: refused }, [['put']], ['STORE_WRITE']],
  ['checks have no key, so a key test never matches them', { op: 'check', key: '' }, [['check']], ['ok']],
  [
    'checkWritable fails apart from check',
    { op: 'checkWritable' },
    [['check'], ['checkWritable']],
    ['ok', U],
  ],
  [
    'every rule counts every call it watches; the first that fails it wins',
    [
      { op: 'put', from: 2, times: 1, error: refused },
      { op: 'put', from: 2 },
    ],
    [['put'], ['put'], ['put']],
    ['ok', 'STORE_WRITE', U],
  ],
  [
    'a failed put never reaches the store',
    { op: 'put', key: 'a.json' },
    [
      ['put', 'a.json'],
      ['get', 'a.json'],
      ['list', ''],
    ],
    [U, 'STORE_NOT_FOUND', 'ok'],
  ],
];

for (const [name, rules, calls, want] of cases) {
  test(`withFaults: ${name}`, async () => {
    assert.equal(await outcomes(withFaults(createMemoryStore(), rules), calls), want);
  });
}

test('withFaults: the default error is a retryable STORE_UNAVAILABLE naming the call', async () => {
  const inner = createMemoryStore();
  const store = withFaults(inner, [{ op: 'put' }, { op: 'check' }]);
  const errors = await Promise.all([
    store.put('latest/a.json', '{}', 'application/json').catch((e: unknown) => e),
    store.check().catch((e: unknown) => e),
  ]);
  assert.equal(
    errors.map((e) => (isAppError(e) ? [e.code, e.message, e.retryable] : String(e))),
    [
      [U, `put latest/a.json in ${inner.location}: injected fault`, true],
      [U, `check ${inner.location}: injected fault`, true],
    ],
  );
});

test('withFaults: calls records every call in order, failed or not', async () => {
  const store = withFaults(createMemoryStore(), { op: 'put', key: 'latest/manifest.json' });
  await store.put('latest/a.json', 'a', 'application/json');
  await store.put('latest/manifest.json', '{}', 'application/json').catch(() => undefined);
  await store.delete('latest/a.json');
  await store.checkWritable();
  await store.close();
  assert.equal(store.calls, [
    { op: 'put', key: 'latest/a.json', failed: false },
    { op: 'put', key: 'latest/manifest.json', failed: true },
    { op: 'delete', key: 'latest/a.json', failed: false },
    { op: 'checkWritable', failed: false },
    { op: 'close', failed: false },
  ]);
});

test('withFaults under withStoreRetry: two injected faults, then the third attempt lands', async () => {
  const faulty = withFaults(createMemoryStore(), { op: 'put', times: 2 });
  const store = withStoreRetry(faulty, { retries: 3, log: createSilentLogger(), minTimeoutMs: 1 });
  await store.put('latest/a.json', '{"a":1}', 'application/json');
  assert.equal(
    faulty.calls.map((c) => c.failed),
    [true, true, false],
  );
  assert.is((await store.get('latest/a.json')).body.toString('utf8'), '{"a":1}');
});

test.run();
