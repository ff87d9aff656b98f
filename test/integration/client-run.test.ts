/**
 * The client under a publish run (publish/job.ts `createDiscover`): the whole-run deadline SD_RUN_TIMEOUT stops a
 * discovery that a stalled endpoint holds, and progress is logged at info while discovery runs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ConfluentConfig } from '../../src/confluent/config.js';
import { createDiscover } from '../../src/publish/job.js';
import { createCapturedLog } from '../helpers/captured-log.js';
import { eventually } from '../helpers/poll.js';
import { listPage, type ScriptHandler, startScriptedServer } from '../helpers/scripted-server.js';
import { appErrorOf, TEST_KEY, TEST_SECRET } from '../helpers/test-client.js';

const ENVIRONMENTS = ['env-1', 'env-2', 'env-3'];

/** Three environments with one Kafka cluster each; the cluster listing of `stalled` never answers. */
function organisation(stalled: string | undefined): ScriptHandler {
  return (req) => {
    if (req.path === '/v2/metrics/cloud/descriptors/resources')
      return { body: { data: [{ type: 'kafka' }], meta: { pagination: {} } } };
    if (req.path === '/org/v2/environments') return { body: listPage(ENVIRONMENTS.map((id) => ({ id }))) };
    if (req.path === '/cmk/v2/clusters') {
      const env = req.query.environment?.[0] ?? '';
      if (env === stalled) return { hang: true };
      const spec = { display_name: 'k', cloud: 'AWS', region: 'us-east-1', environment: { id: env } };
      return { body: listPage([{ id: `lkc-${env}`, spec: { ...spec, config: { kind: 'Basic' } } }]) };
    }
    if (req.path === '/v2/metrics/cloud/query') return { body: { data: [], meta: { pagination: {} } } };
    return { status: 404, body: { errors: [{ detail: `no ${req.path}` }] } };
  };
}

function confluentConfig(url: string): ConfluentConfig {
  return {
    apiKey: TEST_KEY,
    apiSecret: TEST_SECRET,
    apiUrl: url,
    telemetryUrl: url,
    // far longer than the run deadline: only the deadline can end the stalled listing
    timeoutMs: 60_000,
    concurrency: 4,
    retries: 6,
  };
}

const progressLines = (entries: Record<string, unknown>[]) =>
  entries.filter((e) => e.msg === 'discovery in progress');

test('a stalled listing is stopped at the run deadline: API_UNAVAILABLE naming SD_RUN_TIMEOUT', async () => {
  const server = await startScriptedServer(organisation('env-3'));
  const captured = createCapturedLog();
  try {
    // kafka only (SD_RESOURCE_TYPES): no descriptors read, no other listing, so the counts stay the scenario's
    const discover = createDiscover(confluentConfig(server.url), captured.log, {
      runTimeoutMs: 1500,
      progressIntervalMs: 100,
      resourceTypes: ['kafka'],
    });
    const err = await appErrorOf(discover(new AbortController().signal));
    assert.is(err.code, 'API_UNAVAILABLE');
    assert.is(err.retryable, true);
    assert.is(
      err.message,
      'discovery stopped at the run deadline (SD_RUN_TIMEOUT 1500ms) after 4 requests, 2 of 3 environments done',
    );
    assert.is((err.cause as { code?: string }).code, 'ABORTED');
    await eventually(
      async () =>
        assert.equal(
          server.requestsTo('/cmk/v2/clusters').map((r) => [r.query.environment?.[0], r.abandoned]),
          [
            ['env-1', false],
            ['env-2', false],
            ['env-3', true],
          ],
        ),
      { timeoutMs: 5000, intervalMs: 20 },
    );
    const last = progressLines(captured.entries()).at(-1);
    assert.equal(
      { ...last, time: undefined, elapsedMs: typeof last?.elapsedMs },
      {
        level: 'info',
        time: undefined,
        service: 'confluent-sd',
        environmentsDone: 2,
        environments: 3,
        requests: 4,
        throttled: 0,
        retries: 0,
        failures: 0,
        elapsedMs: 'number',
        msg: 'discovery in progress',
      },
    );
  } finally {
    await server.close();
  }
});

test("the job's own abort (SIGTERM) stays ABORTED, not the deadline", async () => {
  const server = await startScriptedServer(organisation('env-2'));
  const captured = createCapturedLog();
  try {
    const job = new AbortController();
    const discover = createDiscover(confluentConfig(server.url), captured.log, { runTimeoutMs: 60_000 });
    const pending = appErrorOf(discover(job.signal));
    await eventually(async () => assert.is(server.requestsTo('/cmk/v2/clusters').length, 3), {
      timeoutMs: 5000,
      intervalMs: 20,
    });
    job.abort(new Error('received SIGTERM'));
    const err = await pending;
    assert.is(err.code, 'ABORTED');
    assert.is(err.message, 'list kafka clusters in env-2: aborted');
  } finally {
    await server.close();
  }
});

test('a discovery that finishes stops its progress log', async () => {
  const server = await startScriptedServer(organisation(undefined));
  const captured = createCapturedLog();
  try {
    const discover = createDiscover(confluentConfig(server.url), captured.log, {
      runTimeoutMs: 60_000,
      progressIntervalMs: 20,
    });
    const discovered = await discover(new AbortController().signal);
    assert.equal(
      discovered.inventory.resources.map((r) => r.id),
      ['lkc-env-1', 'lkc-env-2', 'lkc-env-3'],
    );
    const logged = progressLines(captured.entries()).length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.is(progressLines(captured.entries()).length, logged, 'progress was logged after discovery ended');
  } finally {
    await server.close();
  }
});

test.run();
