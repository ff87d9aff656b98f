/**
 * The manifest: what one snapshot holds. `latest/manifest.json` is the pointer (a copy of the current snapshot's
 * manifest with a fresh `checkedAt`); `snapshots/<runId>/manifest.json` is immutable.
 */
import { z } from 'zod';
import { AppError } from '../errors.js';
import { RUN_ID_RE } from './keys.js';

export const MANIFEST_SCHEMA_VERSION = 1;

/** How a document names its resources' ids: `__param_resource_kafka_id` or `__param_resource.kafka.id`. */
export const PARAM_STYLES = ['underscore', 'dotted'] as const;
export type ParamStyle = (typeof PARAM_STYLES)[number];

/** How a document groups resources into target groups. */
export const GROUPINGS = ['plan', 'resource', 'environment'] as const;
export type GroupBy = (typeof GROUPINGS)[number];

const count0 = z.number().int().nonnegative();

/** The info document of a combination (`<doc>.info.prom`): its hash like a document's, and its series. */
export const infoEntrySchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: count0,
  series: count0,
});

/** What the scrape plan of a document costs against the Metrics API's budgets (docs/output.md). */
export const planFiguresSchema = z.object({
  groups: count0,
  requestsPerMinute: z.number().nonnegative(),
  budgetPerMinute: z.number().nonnegative(),
  requestsPerResourceHour: z.number().nonnegative(),
  budgetPerResourceHour: z.number().nonnegative(),
  intervalSeconds: count0,
  scrapers: count0,
  pointsLimit: count0,
  lowerBound: count0,
  largestGroup: z.object({
    key: z.string(),
    resources: count0,
    points: count0,
    urlBytes: count0,
    ids: z.array(z.string()).optional(),
  }),
  degraded: z.enum(['none', 'interval', 'shard']),
  shards: count0,
  overCap: z.array(z.string()),
  reason: z.string(),
  sizes: z.enum(['metrics-api', 'kind-estimate', 'none']),
});

/** What a document of SD_CONFIG_FILE `documents:` selects (absent: every resource, the SD_TARGETS × SD_PREFIXES matrix). */
export const selectionSchema = z.object({
  organizations: z.array(z.string()).optional(),
  environments: z
    .object({ include: z.array(z.string()).optional(), exclude: z.array(z.string()).optional() })
    .optional(),
  resourceTypes: z.array(z.string()).optional(),
});

/** Whether a document of `selection` holds `organization`: one without `organizations` holds every one. */
export function selectsOrganization(
  selection: { organizations?: readonly string[] | undefined } | undefined,
  organization: string,
): boolean {
  const orgs = selection?.organizations;
  return orgs === undefined || orgs.includes(organization);
}

export const documentEntrySchema = z.object({
  targets: z.array(z.string()).min(1),
  prefix: z.string(),
  paramStyle: z.enum(PARAM_STYLES),
  groupBy: z.enum(GROUPINGS),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  groups: z.number().int().nonnegative(),
  info: infoEntrySchema.optional(),
  plan: planFiguresSchema.optional(),
  selection: selectionSchema.optional(),
});

const count = z.number().int().nonnegative();

export const apiStatsSchema = z.object({
  requests: count,
  retries: count,
  throttled: count,
  failures: count,
  durationMs: z.number().nonnegative(),
});

export const resourceCountsSchema = z.object({
  total: count,
  byType: z.record(z.string(), count),
  byEnvironment: z.record(z.string(), count),
  /**
   * With several organisations (SD_CONFIG_FILE `organizations:`) only. An organisation this run could not
   * discover, whose documents it kept from an earlier snapshot, has that snapshot's counts and `keptFrom` its run
   * id; `total` and `byType` above count only what this run discovered.
   */
  byOrganization: z
    .record(
      z.string(),
      z.object({
        total: count,
        byType: z.record(z.string(), count),
        keptFrom: z.string().regex(RUN_ID_RE).optional(),
      }),
    )
    .optional(),
});

const listingOutcomeSchema = z.object({
  listing: z.string(),
  environmentId: z.string(),
  kafkaClusterId: z.string().optional(),
  status: count,
  reason: z.string(),
});

/**
 * What discovery did not publish and why (optional: absent in manifests written before it): the types published
 * and where that list came from, known types skipped (with the resources they cost), listings refused for good
 * (403) or of something deleted meanwhile (404), and the records left out because they cannot be scraped (at most
 * the first 100 of `invalidTotal`). Values are open strings, so a newer writer never breaks an older reader.
 */
export const discoveryReportSchema = z.object({
  types: z.array(z.string()),
  typesFrom: z.string(),
  skippedTypes: z.array(z.object({ type: z.string(), reason: z.string(), resources: count.nullable() })),
  refused: z.array(listingOutcomeSchema),
  gone: z.array(listingOutcomeSchema),
  invalid: z.array(
    z.object({
      type: z.string(),
      id: z.string().optional(),
      name: z.string().optional(),
      environmentId: z.string().optional(),
      kafkaClusterId: z.string().optional(),
      problem: z.string(),
    }),
  ),
  invalidTotal: count,
});

export const manifestSchema = z.object({
  schemaVersion: z.number().int().positive(),
  toolVersion: z.string(),
  runId: z.string().regex(RUN_ID_RE),
  createdAt: z.string(),
  checkedAt: z.string(),
  previousRunId: z.string().regex(RUN_ID_RE).nullable(),
  documents: z.record(z.string(), documentEntrySchema),
  resources: resourceCountsSchema,
  api: apiStatsSchema.extend({ discoveryMs: z.number().nonnegative() }),
  discovery: discoveryReportSchema.optional(),
  /**
   * Who wrote it and how (optional: absent in manifests written before them): set when `--force` let the snapshot
   * past a guard (the guard's message and why it was allowed), the organisation(s) discovery read, and the API
   * key id(s) it used (never a secret).
   */
  forced: z.object({ reason: z.string() }).nullable().optional(),
  organizationIds: z.array(z.string()).optional(),
  apiKeyIds: z.array(z.string()).optional(),
});

export type DocumentEntry = z.infer<typeof documentEntrySchema>;
export type PlanFiguresEntry = z.infer<typeof planFiguresSchema>;
export type ResourceCounts = z.infer<typeof resourceCountsSchema>;
export type DiscoveryReportEntry = z.infer<typeof discoveryReportSchema>;
export type Manifest = z.infer<typeof manifestSchema>;

/** Parses a manifest read from the store; a newer schema version is `SCHEMA_UNSUPPORTED`, any other problem `MANIFEST_INVALID`. */
export function parseManifest(text: string, where: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new AppError('MANIFEST_INVALID', `read ${where}: not JSON`, { cause });
  }
  const version = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version > MANIFEST_SCHEMA_VERSION) {
    throw new AppError(
      'SCHEMA_UNSUPPORTED',
      `read ${where}: schema version ${version} is newer than this tool understands (${MANIFEST_SCHEMA_VERSION}); upgrade confluent-sd`,
    );
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError(
      'MANIFEST_INVALID',
      `read ${where}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'wrong shape'}`,
    );
  }
  return parsed.data;
}
