/**
 * Many requests waiting on the job's signal at once (pacing, holds, retry delays) add no listener each: Node's
 * MaxListenersExceededWarning used to print amid the JSON logs as soon as the API sent rate-limit headers.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listPage, startScriptedServer } from '../helpers/scripted-server.js';
import { createTestClient } from '../helpers/test-client.js';

/** The process warnings `run` caused. */
async function warningsDuring(run: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const onWarning = (w: Error) => seen.push(`${w.name}: ${w.message}`);
  process.on('warning', onWarning);
  try {
    await run();
    // warnings are emitted on the next tick
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  return seen;
}

test('50 paced requests on one job signal: no MaxListenersExceededWarning, every one answered', async () => {
  // 1,000 requests a second: pacing spaces them about 1 ms apart, so 49 wait on the signal at the same time
  const headers = { 'X-RateLimit-Limit': '1000', 'X-RateLimit-Remaining': '900', 'X-RateLimit-Reset': '1' };
  const server = await startScriptedServer(() => ({ headers, body: listPage([{ id: 'lkc-1' }]) }));
  try {
    const job = new AbortController();
    const { client } = createTestClient(server.url, { concurrency: 8, signal: job.signal });
    const warnings = await warningsDuring(async () => {
      await client.listKafkaClusters('env-0'); // teaches the gate the limit
      const envs = Array.from({ length: 50 }, (_, i) => `env-${i + 1}`);
      const lists = await Promise.all(envs.map((env) => client.listKafkaClusters(env)));
      assert.is(lists.flat().length, 50);
    });
    assert.equal(warnings, []);
    assert.is(server.requests.length, 51);
    assert.equal(client.stats(), { ...client.stats(), requests: 51, retries: 0, throttled: 0, failures: 0 });
  } finally {
    await server.close();
  }
});

test('50 requests held by a used-up window and then retried on 503: no warning either', async () => {
  let answered = 0;
  const server = await startScriptedServer(() => {
    answered++;
    if (answered === 1)
      return {
        headers: { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '1' },
        body: listPage([{ id: 'lkc-1' }]),
      };
    return answered <= 20 ? { status: 503, body: 'busy' } : { body: listPage([{ id: 'lkc-1' }]) };
  });
  try {
    const job = new AbortController();
    const { client } = createTestClient(server.url, { concurrency: 8, signal: job.signal });
    const warnings = await warningsDuring(async () => {
      await client.listKafkaClusters('env-0'); // closes the gate for a second
      const envs = Array.from({ length: 50 }, (_, i) => `env-${i + 1}`);
      await Promise.all(envs.map((env) => client.listKafkaClusters(env)));
    });
    assert.equal(warnings, []);
    assert.is(client.stats().retries, 19);
  } finally {
    await server.close();
  }
});

test.run();
