/**
 * What the run log costs over a year of 30-minute runs (17,520 attempts), with a simulated clock on the memory
 * store: the real publisher (`publishRun`) with one change a day (a published run), a refused run and a failed run
 * a week, and every other run unchanged. Prints the objects and bytes `runs/` holds at the end with compaction
 * (the fold of ended days the publisher does) and without (every record as written), and the store calls the run
 * log adds per run. Counts, not timings: the figures are the same on any machine.
 *
 *   node --import tsx test/bench/run-log-year.ts [--days 365] [--every-minutes 30]
 */
import { parseArgs } from 'node:util';
import { RUN_LOG_PREFIX } from '../../src/bucket/run-log.js';
import type { Inventory } from '../../src/discovery/resource.js';
import { AppError } from '../../src/errors.js';
import { type PublishDeps, publishRun } from '../../src/publish/publish.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import type { Store } from '../../src/store/store.js';
import { wrapStore } from '../../src/store/wrap-store.js';
import { fixedPublishDeps } from '../helpers/publish-deps.js';
import { buildRenderInventory } from '../helpers/render-inventory.js';

const { values: args } = parseArgs({
  options: { days: { type: 'string', default: '365' }, 'every-minutes': { type: 'string', default: '30' } },
});
const DAYS = Number(args.days);
const EVERY_MS = Number(args['every-minutes']) * 60_000;
const out = (line = '') => process.stdout.write(`${line}\n`);

// what a CronJob pod records: a UUID organisation, a 16-character key id, the downward API's names
const WHERE = {
  host: 'confluent-sd-publish-29400000-x7k2p',
  pod: 'confluent-sd-publish-29400000-x7k2p',
  namespace: 'monitoring',
  job: 'confluent-sd-publish-29400000',
  cronJob: 'confluent-sd-publish',
};
const ORG = 'b0b21724-4586-4a07-b787-d0bb5aacbf87';

function inventoryOf(day: number, keep?: number): Inventory {
  const inv = buildRenderInventory();
  // one resource in or out each day: the documents change once a day
  const n = keep ?? inv.resources.length - (day % 2);
  return {
    ...inv,
    environments: inv.environments.map((e) => ({ ...e, organizationId: ORG })),
    resources: inv.resources.slice(0, n),
  };
}

interface Counts {
  /** Records created (what `runs/` would hold without compaction) and their bytes. */
  records: number;
  recordBytes: number;
  /** Store calls on `runs/` keys, by operation. */
  calls: Record<string, number>;
}

function countRunLog(store: Store, counts: Counts): Store {
  const counted = wrapStore(store, async (op, key, call) => {
    if (key?.startsWith(RUN_LOG_PREFIX)) counts.calls[op] = (counts.calls[op] ?? 0) + 1;
    return call();
  });
  return {
    ...counted,
    create: async (key, body, contentType) => {
      const info = await counted.create(key, body, contentType);
      if (key.startsWith(RUN_LOG_PREFIX) && !key.endsWith('/unchanged.json')) {
        counts.records += 1;
        counts.recordBytes += info.size;
      }
      return info;
    },
  };
}

async function main(): Promise<void> {
  const memory = createMemoryStore();
  const counts: Counts = { records: 0, recordBytes: 0, calls: {} };
  const store = countRunLog(memory, counts);
  const start = Date.parse('2026-01-01T00:00:00Z');
  const runs = Math.round((DAYS * 86_400_000) / EVERY_MS);
  const outcomes: Record<string, number> = {};
  for (let i = 0; i < runs; i++) {
    const at = new Date(start + i * EVERY_MS);
    const day = Math.floor((i * EVERY_MS) / 86_400_000);
    const slot = i % Math.round(86_400_000 / EVERY_MS);
    const weekly = day % 7 === 3;
    let inventory = inventoryOf(day);
    if (weekly && slot === 20) inventory = inventoryOf(day, 1); // refused by the shrink guard
    const deps: PublishDeps = {
      ...fixedPublishDeps(store, inventory, at.toISOString()),
      apiKeyIds: ['ABCDEFGHIJKLMNOP'],
      where: WHERE,
    };
    if (weekly && slot === 30) {
      deps.discover = async () => {
        throw new AppError('API_UNAVAILABLE', 'list environments: server returned HTTP 503', {
          retryable: true,
        });
      };
    }
    let outcome: string;
    try {
      outcome = (await publishRun(deps)).outcome;
    } catch (err) {
      outcome = err instanceof AppError && err.code.startsWith('GUARD') ? 'refused' : 'failed';
    }
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
  const infos = await memory.list(RUN_LOG_PREFIX);
  const written = { objects: counts.records, bytes: counts.recordBytes };
  const kept = { objects: infos.length, bytes: infos.reduce((n, i) => n + i.size, 0) };
  const snapshots = new Set((await memory.list('snapshots/')).map((i) => i.key.split('/')[1])).size;
  out(`## Run log over ${DAYS} days of runs every ${EVERY_MS / 60_000} minutes (${runs} attempts)`);
  out();
  out(`snapshots written: ${snapshots}; outcomes: ${JSON.stringify(outcomes)}`);
  out();
  out('| | objects under runs/ | bytes under runs/ | bytes per attempt |');
  out('|---|---|---|---|');
  out(
    `| without compaction (every record as written) | ${written.objects} | ${written.bytes} | ${Math.round(written.bytes / runs)} |`,
  );
  out(
    `| with compaction (ended days folded) | ${kept.objects} | ${kept.bytes} | ${Math.round(kept.bytes / runs)} |`,
  );
  out();
  const perRun = Object.entries(counts.calls)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([op, n]) => `${op} ${(n / runs).toFixed(2)}`)
    .join(', ');
  out(`store calls on runs/ per attempt (record and fold): ${perRun}`);
}

await main();
