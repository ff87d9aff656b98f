/**
 * What discovery left out of the snapshot being served, as gauges (names fixed: the alerts in k8s/prometheus
 * depend on them), read at scrape time from the manifest's optional `discovery` report (docs/output.md, "What
 * discovery leaves out"). A manifest without the report (written before it) has no sample, but for the label-less
 * count of records left out, which a prom-client gauge always shows (0).
 *
 * Cardinality is bounded whatever the manifest holds: a label value is a type or listing name of at most 40
 * characters of `[a-z_]` (anything else counts as `other`), and at most 16 values per label.
 */
import { Gauge, type Registry } from 'prom-client';
import type { DiscoveryReportEntry } from '../bucket/manifest.js';
import type { DocumentCache } from './document-cache.js';

const MAX_VALUES = 16;

/** A type, listing or reason name as it is, or `other` for anything else. */
function labelOf(raw: string): string {
  return /^[a-z][a-z_-]{0,39}$/.test(raw) ? raw : 'other';
}

/** Totals by label value, with odd values and those past the first 15 folded into `other`. */
function countBy(values: string[], weights: number[] = values.map(() => 1)): Map<string, number> {
  const counts = new Map<string, number>();
  values.forEach((raw, i) => {
    const known = labelOf(raw) === raw && (counts.has(raw) || counts.size < MAX_VALUES - 1);
    const value = known ? raw : 'other';
    counts.set(value, (counts.get(value) ?? 0) + (weights[i] ?? 0));
  });
  return counts;
}

type Samples = [labels: Record<string, string>, value: number][];

const GAUGES: [name: string, help: string, labels: string[], pick: (r: DiscoveryReportEntry) => Samples][] = [
  [
    'confluent_sd_discovery_skipped_types',
    '1 for each known resource type the snapshot does not publish, by reason (not-exported: the Metrics API does not export it; not-configured: left out of SD_RESOURCE_TYPES)',
    ['type', 'reason'],
    (r) =>
      r.skippedTypes
        .slice(0, MAX_VALUES)
        .map((t): Samples[number] => [{ type: labelOf(t.type), reason: labelOf(t.reason) }, 1]),
  ],
  [
    'confluent_sd_discovery_skipped_resources',
    'Resources listed but not published because the Metrics API does not export their type',
    ['type'],
    (r) => {
      const counted = r.skippedTypes.filter((s) => s.resources !== null);
      const counts = countBy(
        counted.map((s) => s.type),
        counted.map((s) => s.resources ?? 0),
      );
      return [...counts].map(([type, n]) => [{ type }, n]);
    },
  ],
  [
    'confluent_sd_discovery_refused_listings',
    'Listings refused for good (HTTP 403) in the snapshot: their resources are left out',
    ['listing'],
    (r) => [...countBy(r.refused.map((o) => o.listing))].map(([listing, n]) => [{ listing }, n]),
  ],
  [
    'confluent_sd_discovery_gone_listings',
    'Listings of something deleted since it was listed (HTTP 404): nothing to list there',
    ['listing'],
    (r) => [...countBy(r.gone.map((o) => o.listing))].map(([listing, n]) => [{ listing }, n]),
  ],
  [
    'confluent_sd_discovery_invalid_records',
    'Records left out of the snapshot because they cannot be scraped (a bad id, no cloud…)',
    [],
    (r) => [[{}, r.invalidTotal]],
  ],
];

export function registerDiscoveryGauges(registers: Registry[], documents: DocumentCache): void {
  for (const [name, help, labelNames, pick] of GAUGES) {
    new Gauge({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        const report = documents.current()?.manifest.discovery;
        if (report) for (const [labels, value] of pick(report)) this.set(labels, value);
      },
    });
  }
}
