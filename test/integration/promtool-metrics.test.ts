/**
 * Prometheus's own linter reads the server's /metrics: `promtool check metrics` on the exposition with every metric
 * holding samples (plan figures, a discovery report, a status) must print nothing, and the default process and
 * Node metrics carry their standard names. Without promtool it is skipped loudly (fails when CI=true).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServeFixture, FAKE_PLAN, publishInfoRun } from '../helpers/serve-app.js';

const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
const run = promisify(execFile);
const found = await run(PROMTOOL, ['--version'], { timeout: 10_000 }).then(
  () => true,
  () => false,
);

/** promtool's verdict on an exposition: exit code and whatever it printed (its lint problems). */
function checkMetrics(text: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(PROMTOOL, ['check', 'metrics'], { timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? Number((err as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
    child.stdin?.end(text);
  });
}

const DOC = 'confluent--api.telemetry.confluent.cloud';

if (!found) {
  const message = `promtool not found (${PROMTOOL}): /metrics was not linted`;
  if (process.env.CI === 'true')
    test('promtool is installed (required when CI=true)', () => assert.unreachable(message));
  else {
    process.stderr.write(`\n!!! ${message} — SKIPPED !!!\n\n`);
    test.skip('promtool check metrics: /metrics of the server', () => {});
  }
} else {
  test('promtool check metrics: /metrics of the server, every metric with samples, no problem', async () => {
    const f = await createServeFixture();
    try {
      await publishInfoRun(f.writer, {
        runId: '20260101T120000Z',
        combinations: [{ targets: ['api.telemetry.confluent.cloud'], prefix: 'confluent_' }],
        plans: { [DOC]: { ...FAKE_PLAN, degraded: 'interval' } },
        discovery: {
          types: ['kafka'],
          typesFrom: 'metrics-api',
          skippedTypes: [{ type: 'compute_pool', reason: 'not-exported', resources: 3 }],
          refused: [{ listing: 'schema_registry', environmentId: 'env-a', status: 403, reason: 'refused' }],
          gone: [
            {
              listing: 'connector',
              environmentId: 'env-a',
              kafkaClusterId: 'lkc-1',
              status: 404,
              reason: '',
            },
          ],
          invalid: [],
          invalidTotal: 1,
        },
      });
      await f.documents.reload();
      await f.app.inject({ url: '/sd' });
      const text = (await f.app.inject({ url: '/metrics' })).body;
      for (const name of [
        'process_resident_memory_bytes',
        'process_cpu_seconds_total',
        'nodejs_eventloop_lag_seconds',
        'nodejs_heap_size_used_bytes',
        'confluent_sd_discovery_skipped_resources',
        'confluent_sd_plan_degraded',
      ])
        assert.ok(text.includes(`\n# TYPE ${name} `), name);
      assert.equal(await checkMetrics(text), { code: 0, output: '' });
      // the check can fail: the gauge prom-client names `_total` (left out) is flagged
      const flagged = `${text}# HELP nodejs_active_handles_total Total number of active handles.\n# TYPE nodejs_active_handles_total gauge\nnodejs_active_handles_total 3\n`;
      assert.match(
        (await checkMetrics(flagged)).output,
        'non-counter metrics should not have "_total" suffix',
      );
    } finally {
      await f.close();
    }
  });
}

test.run();
