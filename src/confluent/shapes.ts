/**
 * Runtime checks of every body the client reads. Only the fields confluent-sd uses are checked; unknown
 * fields pass through untouched (Confluent adds fields without notice). A missing optional field is fine,
 * a field of the wrong type is not.
 */
import { z } from 'zod';

const id = z.string().min(1);
// `null` where a field may be absent is absent: real answers send `"cloud": null` (reference §12)
const optionalText = z.string().nullish();
const reference = z.looseObject({ id });
const optionalReference = reference.nullish();

/** `metadata.next`: the URL of the next page; absent, null or "" ends the listing. */
const listMeta = z.looseObject({ next: z.string().nullish() }).nullish();

/** `meta.pagination.next_page_token` of the Metrics API's paged answers; absent, null or "" on the last page. */
const metricsMeta = z
  .looseObject({ pagination: z.looseObject({ next_page_token: z.string().nullish() }).nullish() })
  .nullish();

function listOf<T extends z.ZodType>(item: T) {
  return z.looseObject({ metadata: listMeta, data: z.array(item) });
}

/** `metadata.resource_name` is the environment's CRN, `crn://confluent.cloud/organization=<id>/environment=<id>`. */
export const environmentShape = z.looseObject({
  id,
  display_name: optionalText,
  metadata: z.looseObject({ resource_name: optionalText }).nullish(),
});

const placedSpec = {
  display_name: optionalText,
  cloud: optionalText,
  region: optionalText,
  environment: optionalReference,
};

/** Kafka clusters, Schema Registry clusters and compute pools: each carries its own name, cloud and region. */
export const placedClusterShape = z.looseObject({ id, spec: z.looseObject(placedSpec).nullish() });

/** A Kafka cluster also says its kind (Basic, Standard, Enterprise, Dedicated, Freight: an open set) and CKUs. */
export const kafkaClusterShape = z.looseObject({
  id,
  spec: z
    .looseObject({
      ...placedSpec,
      config: z.looseObject({ kind: optionalText, cku: z.number().int().nullish() }).nullish(),
    })
    .nullish(),
});

export const ksqlClusterShape = z.looseObject({
  id,
  spec: z
    .looseObject({
      display_name: optionalText,
      kafka_cluster: optionalReference,
      environment: optionalReference,
    })
    .nullish(),
});

/**
 * One value of the `?expand=id,info,status` connector map. An entry without `id` (or with an `id_type` other than
 * `ID`) is read, and discovery leaves it out with a warning: one odd connector must not fail the run.
 */
export const connectorShape = z.looseObject({
  id: z.looseObject({ id: optionalText, id_type: optionalText }).nullish(),
  info: z
    .looseObject({
      name: optionalText,
      type: optionalText,
      config: z.record(z.string(), z.string().nullable()).nullish(),
    })
    .nullish(),
  status: z
    .looseObject({ connector: z.looseObject({ state: optionalText }).nullish(), type: optionalText })
    .nullish(),
});

export const resourceDescriptorShape = z.looseObject({
  type: id,
  description: optionalText,
  labels: z.array(z.looseObject({ key: z.string(), exportable: z.boolean().optional() })).optional(),
});

export const environmentListShape = listOf(environmentShape);
export const kafkaClusterListShape = listOf(kafkaClusterShape);
export const schemaRegistryClusterListShape = listOf(placedClusterShape);
export const computePoolListShape = listOf(placedClusterShape);
export const ksqlClusterListShape = listOf(ksqlClusterShape);

/** `?expand=id,info,status`: an object keyed by connector name. */
export const connectorMapShape = z.record(z.string(), connectorShape);

/** The Metrics API pages with `meta.pagination.next_page_token`, not `metadata.next`. */
export const resourceDescriptorListShape = z.looseObject({
  data: z.array(resourceDescriptorShape),
  meta: metricsMeta,
});

/** One FLAT data point of a query grouped by `resource.kafka.id`. */
export const kafkaPointShape = z.looseObject({ 'resource.kafka.id': id, value: z.number().nonnegative() });

/** A page of `POST /v2/metrics/cloud/query` in the FLAT format. */
export const kafkaPointListShape = z.looseObject({ data: z.array(kafkaPointShape), meta: metricsMeta });

/** Thrown by `parseShape`; `field` is a path such as `data[2].id`. */
export class ShapeError extends Error {
  override readonly name = 'ShapeError';
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

function pathToField(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else {
      const text = String(key);
      out += /^[A-Za-z_][A-Za-z0-9_]*$/.test(text) ? `${out ? '.' : ''}${text}` : `[${JSON.stringify(text)}]`;
    }
  }
  return out || '(body)';
}

export function parseShape<T extends z.ZodType>(shape: T, data: unknown): z.output<T> {
  const result = shape.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new ShapeError('(body)', 'does not match');
  throw new ShapeError(pathToField(issue.path), describeIssue(issue));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return 'is missing';
  if (issue.code === 'too_small' && issue.origin === 'string') return 'is empty';
  return issue.message.replace(/^Invalid input: /, '').toLowerCase();
}
