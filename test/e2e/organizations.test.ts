/**
 * Two organisations and two teams' documents with the real Prometheus: each scrape job (one per team, each with
 * its own organisation's key) sees exactly the resources of its document, and its scrapes reach its
 * organisation's data: no resource answers with an access error, as one of another organisation would. A job
 * reading the document of both organisations keeps its own by the `confluent_organization` label.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { createOrganizationsE2eStack, ORG_JOBS } from '../helpers/e2e-organizations-stack.js';
import type { E2eStack } from '../helpers/e2e-stack.js';
import { useE2eStack } from '../helpers/e2e-suite.js';
import { expectedTeamResources } from '../helpers/organizations-config.js';
import { eventually } from '../helpers/poll.js';
import { findPrometheus } from '../helpers/prometheus-process.js';
import { listSimResources, resourceKey } from '../helpers/sim-resources.js';

const TARGETS_DEADLINE_MS = 40_000;

const version = await findPrometheus();
const handle = createOrganizationsE2eStack();
const test = suite<E2eStack>('e2e: two organisations, two teams', {} as E2eStack);
const NAMES = [
  "each team's job has exactly its document's resources as targets, up, labelled with their organisation",
  "each job's scrapes reach its own organisation's data (no access error)",
];

/** `type:id` of the resources each job should see. */
function expectedByJob(sim: RunningSimulator): Record<string, string[]> {
  const teams = expectedTeamResources(sim);
  return {
    'team-payments': teams['team-payments']!,
    'team-platform': teams['team-platform']!,
    'everything-nonprod': listSimResources(sim.organizations[1]!.org).map(resourceKey).sort(),
  };
}

if (useE2eStack(test, handle, version, 'the two-organisation e2e test', NAMES)) {
  test(NAMES[0]!, async (ctx) => {
    const expected = expectedByJob(ctx.sim);
    assert.ok(
      Object.values(expected).every((keys) => keys.length > 0),
      JSON.stringify(expected),
    );
    await eventually(
      async () => {
        for (const [job, j] of Object.entries(ORG_JOBS)) {
          const targets = await ctx.prom.activeTargets(job);
          const seen = targets
            .map((t) => `${t.labels.confluent_resource_type}:${t.labels.confluent_resource_id}`)
            .sort();
          assert.equal(seen, expected[job], job);
          const org = j.organization === 0 ? 'prod' : 'nonprod';
          assert.equal(
            [...new Set(targets.map((t) => `${t.health}|${t.labels.confluent_organization}`))],
            [`up|${org}`],
            job,
          );
        }
      },
      { timeoutMs: TARGETS_DEADLINE_MS },
    );
  });

  test(NAMES[1]!, async (ctx) => {
    const expected = expectedByJob(ctx.sim);
    await eventually(
      async () => {
        const access = await ctx.prom.query('confluent_scrape_resource_access_error');
        const byJob: Record<string, string[]> = {};
        for (const s of access) {
          const job = s.metric.job!;
          byJob[job] = [...(byJob[job] ?? []), `${s.metric.resource_id}=${s.value[1]}`];
        }
        for (const job of Object.keys(ORG_JOBS)) {
          const ids = expected[job]!.map((k) => `${k.slice(k.indexOf(':') + 1)}=0`).sort();
          assert.equal((byJob[job] ?? []).sort(), ids, job);
        }
      },
      { timeoutMs: TARGETS_DEADLINE_MS },
    );
  });
}

test.run();
