/** /metrics: the scrape plan's figures of every served document, from the manifest being served. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../../helpers/k8s-manifests.js';
import { AUTH, createServeFixture, FAKE_PLAN, publishInfoRun } from '../../helpers/serve-app.js';

const TARGET = 'api.telemetry.confluent.cloud';
const COMBINATIONS = [
  { targets: [TARGET], prefix: '' },
  { targets: [TARGET], prefix: 'confluent_' },
  { targets: [TARGET, 'proxy.example:9090'], prefix: 'confluent_' },
];
const DOC = 'confluent--api.telemetry.confluent.cloud';
const BARE = 'noprefix--api.telemetry.confluent.cloud';
const PROXY = 'confluent--api.telemetry.confluent.cloud--proxy.example-9090';

const planLines = (text: string) => text.split('\n').filter((l) => l.startsWith('confluent_sd_plan_'));

test('plan gauges per document; a document without figures has no sample', async () => {
  const f = await createServeFixture();
  try {
    await f.documents.reload();
    assert.equal(planLines((await f.app.inject({ url: '/metrics' })).body), []);
    await publishInfoRun(f.writer, {
      runId: '20260101T120000Z',
      combinations: COMBINATIONS,
      plans: {
        [DOC]: {
          ...FAKE_PLAN,
          groups: 57,
          requestsPerMinute: 239.5,
          degraded: 'shard',
          shards: 3,
          overCap: ['lkc-big1', 'lkc-big2'],
          sizes: 'kind-estimate',
        },
        [BARE]: { ...FAKE_PLAN, degraded: 'interval' },
      },
    });
    await f.documents.reload();
    const metrics = await f.app.inject({ url: '/metrics' });
    assert.is(metrics.statusCode, 200);
    assert.equal(planLines(metrics.body), [
      `confluent_sd_plan_groups{document="${DOC}"} 57`,
      `confluent_sd_plan_groups{document="${BARE}"} 3`,
      `confluent_sd_plan_requests_per_minute{document="${DOC}"} 239.5`,
      `confluent_sd_plan_requests_per_minute{document="${BARE}"} 6`,
      `confluent_sd_plan_budget_per_minute{document="${DOC}"} 240`,
      `confluent_sd_plan_budget_per_minute{document="${BARE}"} 240`,
      `confluent_sd_plan_resources_over_cap{document="${DOC}"} 2`,
      `confluent_sd_plan_resources_over_cap{document="${BARE}"} 0`,
      `confluent_sd_plan_sizes_estimated{document="${DOC}"} 1`,
      `confluent_sd_plan_sizes_estimated{document="${BARE}"} 0`,
      `confluent_sd_plan_degraded{document="${DOC}",how="none"} 0`,
      `confluent_sd_plan_degraded{document="${DOC}",how="interval"} 0`,
      `confluent_sd_plan_degraded{document="${DOC}",how="shard"} 1`,
      `confluent_sd_plan_degraded{document="${BARE}",how="none"} 0`,
      `confluent_sd_plan_degraded{document="${BARE}",how="interval"} 1`,
      `confluent_sd_plan_degraded{document="${BARE}",how="shard"} 0`,
    ]);
    assert.ok(metrics.body.includes('# TYPE confluent_sd_plan_degraded gauge'));
    assert.not.ok(metrics.body.includes(PROXY));
    // the next run is no longer degraded: the old samples go with it
    await publishInfoRun(f.writer, {
      runId: '20260101T123000Z',
      combinations: COMBINATIONS,
      plans: { [PROXY]: FAKE_PLAN },
    });
    await f.documents.reload();
    const next = planLines((await f.app.inject({ url: '/metrics', headers: AUTH })).body);
    assert.equal(next, [
      `confluent_sd_plan_groups{document="${PROXY}"} 3`,
      `confluent_sd_plan_requests_per_minute{document="${PROXY}"} 6`,
      `confluent_sd_plan_budget_per_minute{document="${PROXY}"} 240`,
      `confluent_sd_plan_resources_over_cap{document="${PROXY}"} 0`,
      `confluent_sd_plan_sizes_estimated{document="${PROXY}"} 0`,
      `confluent_sd_plan_degraded{document="${PROXY}",how="none"} 1`,
      `confluent_sd_plan_degraded{document="${PROXY}",how="interval"} 0`,
      `confluent_sd_plan_degraded{document="${PROXY}",how="shard"} 0`,
    ]);
  } finally {
    await f.close();
  }
});

test('every metric of the server but the default process ones is documented in docs/serve.md', async () => {
  const f = await createServeFixture();
  try {
    const doc = readFileSync(path.join(ROOT, 'docs/serve.md'), 'utf8');
    const text = (await f.app.inject({ url: '/metrics' })).body;
    const names = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!);
    const own = names.filter((n) => !/^(process|nodejs)_/.test(n));
    assert.ok(own.includes('confluent_sd_plan_degraded'));
    assert.equal(
      own.filter((n) => !doc.includes(`\`${n}`)),
      [],
    );
  } finally {
    await f.close();
  }
});

test.run();
