/**
 * Which resource types a run lists and publishes. By default the Metrics API says: a type its descriptors do not
 * name cannot be scraped, so it is not published, but it is still listed (one listing per environment, one per
 * Kafka cluster for connectors) so the run can say what that costs: the type and its resource count go into a
 * warning, the summary and the manifest. SD_RESOURCE_TYPES replaces the Metrics API's word: exactly those types are
 * listed and published, and the descriptors are not read.
 *
 * Custom connectors are exported from their own dataset, `cloud-custom`, whose descriptors are read as well; a
 * 404 there means the dataset is not offered (older API revisions), so custom connectors are not exported.
 */
import type { ConfluentClient } from '../confluent/client.js';
import { httpStatusOf } from '../confluent/upstream-error.js';
import { isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import {
  type DiscoveryReport,
  isResourceType,
  RESOURCE_TYPES,
  type Resource,
  type ResourceType,
  type SkippedType,
} from './resource.js';

export interface TypeChoice {
  from: DiscoveryReport['typesFrom'];
  /** Types whose listings run. */
  listed: ReadonlySet<ResourceType>;
  /** Types the Metrics API exports, over both datasets, known or not ([] with SD_RESOURCE_TYPES). */
  exportedTypes: string[];
}

export interface PublishedTypes {
  published: ResourceType[];
  skipped: SkippedType[];
}

/** SD_RESOURCE_TYPES when set; else every type we know is listed, and the Metrics API says which are published. */
export async function chooseTypes(
  client: ConfluentClient,
  forced: readonly ResourceType[] | undefined,
  log: Logger,
): Promise<TypeChoice> {
  if (forced !== undefined) return { from: 'SD_RESOURCE_TYPES', listed: new Set(forced), exportedTypes: [] };
  const cloud = await readExportedTypes(client, 'cloud', log);
  const custom = await readExportedTypes(client, 'cloud-custom', log);
  const exportedTypes = [...new Set([...(cloud ?? []), ...(custom ?? [])])].sort();
  const unknown = exportedTypes.filter((t) => !isResourceType(t));
  if (unknown.length > 0)
    log.info({ types: unknown }, 'metrics api exports resource types this version does not publish');
  return { from: 'metrics-api', listed: new Set(RESOURCE_TYPES), exportedTypes };
}

/**
 * The Metrics API's types of a dataset, sorted. For another dataset than `cloud`, a 4xx other than 401/403
 * (`API_REQUEST`: 404 `Unknown dataset`, or a 400 [U]) means the dataset is not offered: undefined, and its types
 * are reported as skipped.
 */
async function readExportedTypes(
  client: ConfluentClient,
  dataset: string,
  log: Logger,
): Promise<string[] | undefined> {
  try {
    return [...new Set((await client.listResourceTypes(dataset)).map((d) => d.type))].sort();
  } catch (err) {
    if (dataset === 'cloud' || !isAppError(err, 'API_REQUEST')) throw err;
    log.info({ dataset, status: httpStatusOf(err), reason: err.message }, 'metrics api dataset not offered');
    return undefined;
  }
}

/** After the listings: which types are published, and what each skipped one cost (a warning when it cost any). */
export function settleTypes(choice: TypeChoice, found: readonly Resource[], log: Logger): PublishedTypes {
  if (choice.from === 'SD_RESOURCE_TYPES') {
    const skipped = RESOURCE_TYPES.filter((t) => !choice.listed.has(t)).map(
      (type): SkippedType => ({ type, reason: 'not-configured', resources: null }),
    );
    if (skipped.length > 0)
      log.info({ types: skipped.map((s) => s.type) }, 'resource types left out by SD_RESOURCE_TYPES');
    return { published: RESOURCE_TYPES.filter((t) => choice.listed.has(t)), skipped };
  }
  const counts = new Map<ResourceType, number>();
  for (const r of found) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  const exported = new Set(choice.exportedTypes);
  const published = RESOURCE_TYPES.filter((t) => exported.has(t));
  const skipped = RESOURCE_TYPES.filter((t) => !exported.has(t)).map(
    (type): SkippedType => ({ type, reason: 'not-exported', resources: counts.get(type) ?? 0 }),
  );
  for (const s of skipped) {
    const fields = { type: s.type, resources: s.resources };
    const message = 'resource type not exported by the metrics api, its resources are not published';
    if (s.resources === 0) log.info(fields, message);
    else log.warn(fields, message);
  }
  return { published, skipped };
}
