/**
 * The scrape plan of each served document as gauges (names fixed: the alerts in k8s/prometheus depend on them),
 * read at scrape time from the `plan` figures of the manifest being served. A document without figures (grouped
 * by resource or environment, or published before the plan) has no sample.
 */
import { Gauge, type Registry } from 'prom-client';
import type { PlanFiguresEntry } from '../bucket/manifest.js';
import type { DocumentCache } from './document-cache.js';

/** Every value `how` takes, so an alert can select `how!="none"` and a dashboard shows the 0s as well. */
const DEGRADED_HOWS: readonly PlanFiguresEntry['degraded'][] = ['none', 'interval', 'shard'];

type Plans = [document: string, plan: PlanFiguresEntry][];

function plansOf(documents: DocumentCache): Plans {
  const out: Plans = [];
  for (const [document, entry] of Object.entries(documents.current()?.manifest.documents ?? {}))
    if (entry.plan) out.push([document, entry.plan]);
  return out;
}

const PER_DOCUMENT: [name: string, help: string, pick: (plan: PlanFiguresEntry) => number][] = [
  ['confluent_sd_plan_groups', 'Scrape groups (targets) in the document', (p) => p.groups],
  [
    'confluent_sd_plan_requests_per_minute',
    'Export requests one Prometheus (one shard) sends per minute with this plan',
    (p) => p.requestsPerMinute,
  ],
  [
    'confluent_sd_plan_budget_per_minute',
    'Export requests per minute one Prometheus may send (the limit less the margin)',
    (p) => p.budgetPerMinute,
  ],
  [
    'confluent_sd_plan_resources_over_cap',
    'Resources whose largest metric alone passes the points cap: the Metrics API cuts their series',
    (p) => p.overCap.length,
  ],
  [
    'confluent_sd_plan_sizes_estimated',
    '1 when the resource sizes are an estimate from the cluster kind (the Metrics API query was refused)',
    (p) => (p.sizes === 'kind-estimate' ? 1 : 0),
  ],
];

export function registerPlanGauges(registers: Registry[], documents: DocumentCache): void {
  for (const [name, help, pick] of PER_DOCUMENT) {
    new Gauge({
      name,
      help,
      labelNames: ['document'] as const,
      registers,
      collect() {
        this.reset();
        for (const [document, plan] of plansOf(documents)) this.set({ document }, pick(plan));
      },
    });
  }
  new Gauge({
    name: 'confluent_sd_plan_degraded',
    help: '1 for how the plan was degraded to stay within the budget (none, interval or shard), 0 for the others',
    labelNames: ['document', 'how'] as const,
    registers,
    collect() {
      this.reset();
      for (const [document, plan] of plansOf(documents))
        for (const how of DEGRADED_HOWS) this.set({ document, how }, plan.degraded === how ? 1 : 0);
    },
  });
}
