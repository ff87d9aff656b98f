/**
 * The per-attempt timeout covers the whole answer, headers and body, and survives garbage collection
 * (`AbortSignal.any` with `AbortSignal.timeout` can be collected on Node 20, nodejs/node#57736). Each case runs
 * in a child node with `--expose-gc` and a collection every 200 ms (test/helpers/gc-timeout-child.ts).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const CHILD = path.resolve(import.meta.dirname, '../helpers/gc-timeout-child.ts');
/** Far below the servers' own endless stall and undici's 300 s header timeout; well above 2 attempts of 1 s. */
const CHILD_LIMIT_MS = 20_000;

async function runChild(mode: 'stall' | 'drip'): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', CHILD, mode], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), CHILD_LIMIT_MS);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(killer);
  assert.is(code, 0, `the child did not finish within ${CHILD_LIMIT_MS} ms (timeout lost?): ${stderr}`);
  return JSON.parse(stdout.trim()) as Record<string, unknown>;
}

test('a server that never sends the headers: each attempt is cut at the timeout, under GC pressure', async () => {
  const out = await runChild('stall');
  assert.equal(
    { code: out.code, message: out.message, requests: out.requests, abandoned: out.abandoned },
    {
      code: 'API_UNAVAILABLE',
      message: 'list environments: no answer within 1000 ms after 2 attempts',
      requests: 2,
      abandoned: [true, true],
    },
  );
});

test('a body that drips a byte every 50 ms: the attempt is cut at the timeout, under GC pressure', async () => {
  const out = await runChild('drip');
  assert.equal(
    { code: out.code, message: out.message, requests: out.requests, abandoned: out.abandoned },
    {
      code: 'API_UNAVAILABLE',
      message: 'list environments: no answer within 1000 ms after 2 attempts',
      requests: 2,
      abandoned: [true, true],
    },
  );
});

test.run();
