/**
 * Walks an organisation in the order of DESIGN §3 with the minimum number of calls: the Metrics API's resource
 * types (types.ts), the environments, one listing per resource type per environment, one connector listing per
 * Kafka cluster, then one Metrics API query (paged) for the Kafka clusters' partition counts. Environments are
 * walked in parallel; the client bounds the concurrency. A failed listing fails the whole discovery (stale beats
 * partial), except a permanent refusal or a deleted parent, which lists nothing and is reported (report.ts); a
 * failed partition-count query does not either (sizes.ts).
 */
import type { ConfluentClient } from '../confluent/client.js';
import type { Logger } from '../log.js';
import { discoverEnvironment } from './environment.js';
import { idProblem } from './ids.js';
import { environmentRecordToEnvironment } from './mappers.js';
import { DiscoveryRecorder } from './report.js';
import {
  compareResources,
  type Environment,
  type Inventory,
  type Resource,
  type ResourceType,
} from './resource.js';
import { addPartitionCounts } from './sizes.js';
import { chooseTypes, settleTypes } from './types.js';

/** How far a discovery got, for the caller's progress log. */
export interface DiscoveryProgress {
  /** undefined until the environments are listed */
  environments: number | undefined;
  environmentsDone: number;
}

export interface DiscoverDeps {
  client: ConfluentClient;
  log: Logger;
  /** SD_RESOURCE_TYPES: list and publish exactly these, whatever the Metrics API says. */
  resourceTypes?: readonly ResourceType[];
  /** Called when the environments are listed and as each one is done. */
  onProgress?: (progress: DiscoveryProgress) => void;
}

export async function discoverInventory({
  client,
  log,
  resourceTypes,
  onProgress,
}: DiscoverDeps): Promise<Inventory> {
  const recorder = new DiscoveryRecorder(log);
  const choice = await chooseTypes(client, resourceTypes, log);

  const environments = scrapableEnvironments(
    (await client.listEnvironments()).map(environmentRecordToEnvironment),
    recorder,
  );
  log.debug({ environments: environments.length }, 'environments listed');
  const walk = { client, recorder, listed: choice.listed };
  const progress = { environments: environments.length, environmentsDone: 0 };
  onProgress?.({ ...progress });
  const perEnvironment = await Promise.all(
    environments.map(async (env) => {
      const resources = await discoverEnvironment(walk, env);
      progress.environmentsDone++;
      onProgress?.({ ...progress });
      return resources;
    }),
  );

  const found = dedupe(perEnvironment.flat(), log);
  const { published, skipped } = settleTypes(choice, found, log);
  const kept = found.filter((r) => published.includes(r.type));
  const { resources, sizes } = await addPartitionCounts(client, kept, log);

  return {
    environments: [...environments].sort((a: Environment, b: Environment) =>
      a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
    ),
    resources,
    exportedTypes: choice.exportedTypes,
    ...(sizes ? { sizes } : {}),
    report: recorder.report(published, choice.from, skipped),
  };
}

/** An environment whose id cannot be scraped is not walked: its id would go into every listing's query. */
function scrapableEnvironments(environments: Environment[], recorder: DiscoveryRecorder): Environment[] {
  return environments.filter((env) => {
    const problem = idProblem('environment', env.id);
    if (problem !== undefined)
      recorder.leaveOut({
        type: 'environment',
        id: env.id,
        ...(env.name ? { name: env.name } : {}),
        problem,
      });
    return problem === undefined;
  });
}

/** A listing that shifts while it is paged can return a record twice; keep one. */
function dedupe(resources: Resource[], log: Logger): Resource[] {
  const sorted = resources.sort(compareResources);
  const out: Resource[] = [];
  const seen = new Set<string>();
  for (const r of sorted) {
    const key = `${r.type}/${r.id}`;
    if (seen.has(key)) {
      log.warn({ type: r.type, id: r.id }, 'resource listed twice, kept once');
      continue;
    }
    seen.add(key);
    out.push(r);
  }
  return out;
}
