import { getEventListeners } from 'node:events';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createTimeoutSignal, onAbort, sleep } from '../../../src/confluent/abort.js';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

test('100 sleeps on one signal add one abort listener, and the abort rejects every one', async () => {
  const job = new AbortController();
  const sleeps = Array.from({ length: 100 }, () => rejection(sleep(60_000, job.signal)));
  assert.is(getEventListeners(job.signal, 'abort').length, 1);
  job.abort(new Error('SIGTERM'));
  const errors = await Promise.all(sleeps);
  assert.equal(
    [...new Set(errors.map((e) => `${e.name}: ${(e.cause as Error).message}`))],
    ['AbortError: SIGTERM'],
  );
});

test('a finished sleep leaves nothing behind; a sleep on an aborted signal rejects at once', async () => {
  const job = new AbortController();
  await sleep(1, job.signal);
  let called = 0;
  const cancel = onAbort(job.signal, () => called++);
  cancel();
  job.abort();
  assert.is(called, 0);
  assert.is((await rejection(sleep(60_000, job.signal))).name, 'AbortError');
  let late = 0;
  onAbort(job.signal, () => late++);
  assert.is(late, 1);
});

test('a timeout signal times out with a TimeoutError, or follows the job; release clears both', async () => {
  const timed = createTimeoutSignal(undefined, 5);
  await new Promise((resolve) => timed.signal.addEventListener('abort', resolve, { once: true }));
  assert.is((timed.signal.reason as Error).name, 'TimeoutError');
  timed.release();

  const job = new AbortController();
  const followed = createTimeoutSignal(job.signal, 60_000);
  job.abort(new Error('SIGTERM'));
  assert.is((followed.signal.reason as Error).message, 'SIGTERM');
  followed.release();

  const other = new AbortController();
  const released = createTimeoutSignal(other.signal, 5);
  released.release();
  await new Promise((resolve) => setTimeout(resolve, 20));
  other.abort();
  assert.is(released.signal.aborted, false);
});

test.run();
