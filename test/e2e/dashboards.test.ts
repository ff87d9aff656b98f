/**
 * Every query of the Grafana dashboards (k8s/grafana/) against the real Prometheus of the e2e stack: simulator →
 * publish → server → Prometheus scraping the simulator's /export, the info document, the server and itself. Each
 * panel target and each variable query returns at least one series with a number, with Grafana's variables as "All" (`.*`) and
 * `$__rate_interval` as 1m. Without a prometheus binary it is skipped loudly (fails when CI=true).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CLOUD_JOB, INFO_JOB, SELF_JOB, SERVER_JOB } from '../helpers/e2e-prometheus-config.js';
import { createE2eStack, type E2eStack } from '../helpers/e2e-stack.js';
import { useE2eStack } from '../helpers/e2e-suite.js';
import { dashboardQueries, readDashboards, substituteVariables } from '../helpers/k8s-manifests.js';
import { eventually } from '../helpers/poll.js';
import { findPrometheus } from '../helpers/prometheus-process.js';

/** Time for the first scrapes of every job, the info join and a few rate() samples. */
const DEADLINE_MS = 60_000;

type Ctx = E2eStack;

const version = await findPrometheus();
const handle = createE2eStack({ seed: 3, environments: 2, kafkaPerEnv: 2, connectorsPerCluster: 2 });
const test = suite<Ctx>('e2e: every dashboard query returns data', {} as Ctx);
const queries = readDashboards().flatMap((d) => dashboardQueries(d));
const NAMES = ['Prometheus scrapes every job the dashboards read', ...queries.map((q) => q.where)];

if (useE2eStack(test, handle, version, 'the dashboard queries', NAMES)) {
  test(NAMES[0]!, async (ctx) => {
    await eventually(
      async () => {
        const up = await ctx.prom.query('up');
        const jobs = [...new Set(up.filter((s) => s.value[1] === '1').map((s) => s.metric.job))].sort();
        assert.equal(jobs, [CLOUD_JOB, SERVER_JOB, INFO_JOB, SELF_JOB].sort());
      },
      { timeoutMs: DEADLINE_MS },
    );
  });

  for (const q of queries) {
    test(q.where, async (ctx) => {
      const expr = substituteVariables(q.expr);
      // data: at least one series with a number (a histogram quantile of a route without requests is NaN)
      await eventually(
        async () => {
          const rows = await ctx.prom.query(expr);
          assert.ok(rows.length > 0, `no series for ${expr}`);
          const values = rows.map((r) => Number(r.value[1]));
          assert.ok(values.some(Number.isFinite), `only ${values.join(', ')} for ${expr}`);
        },
        { timeoutMs: DEADLINE_MS },
      );
    });
  }
}

test.run();
