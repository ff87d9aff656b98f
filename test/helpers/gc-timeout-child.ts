/**
 * Run as `node --expose-gc --import tsx gc-timeout-child.ts <stall|drip>`: one listing against a loopback server
 * that never answers (stall) or sends the headers and then one byte every 50 ms (drip), with a garbage collection
 * every 200 ms and a job signal, as a publish run has. Prints one JSON line: what the listing threw and what the
 * server saw. The parent bounds the child's time; a timeout lost to the collector shows as a child that never ends.
 */
import { eventually } from './poll.js';
import { startScriptedServer } from './scripted-server.js';
import { createTestClient } from './test-client.js';

const mode = process.argv[2];
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const collecting = setInterval(gc, 200);

const server = await startScriptedServer(() =>
  mode === 'drip' ? { drip: { first: '{"data":[', byte: ' ', everyMs: 50 } } : { hang: true },
);
const job = new AbortController();
const { client } = createTestClient(server.url, { timeoutMs: 1000, retries: 1, signal: job.signal });
let outcome: Record<string, unknown>;
try {
  outcome = { resolved: await client.listEnvironments() };
} catch (err) {
  outcome = { code: (err as { code?: unknown }).code, message: (err as Error).message };
}
// the server learns of the client's disconnect a moment after the client gave up
await eventually(
  async () => {
    if (!server.requests.every((r) => r.abandoned)) throw new Error('a request is still open');
  },
  { timeoutMs: 5000, intervalMs: 20 },
).catch(() => undefined);
process.stdout.write(
  `${JSON.stringify({
    ...outcome,
    requests: server.requests.length,
    abandoned: server.requests.map((r) => r.abandoned),
    stats: client.stats(),
  })}\n`,
);
clearInterval(collecting);
await server.close();
