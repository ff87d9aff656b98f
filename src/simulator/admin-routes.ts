/**
 * The admin API under `/_sim/` (same basic auth as the API): read the org and the traffic counts, add, rename and
 * remove resources, change fault behaviour while running. Not rate-limited, never faulted, not counted.
 */
import type { KafkaShapeInput, PlacementInput } from './admin-input.js';
import { listKafkaSizes } from './kafka-size.js';
import type { OrgStore } from './org-store.js';
import { errorsReply, jsonReply, type Reply, type SimRequest, SimRequestError } from './reply.js';
import type { Route } from './router.js';
import type { RuntimeConfig } from './sim-config.js';
import type { StatsRecorder } from './stats.js';

export interface AdminContext {
  store: OrgStore;
  stats: StatsRecorder;
  config(): RuntimeConfig;
  /** Throws SimRequestError(400) listing every bad field. */
  setConfig(partial: Record<string, unknown>): void;
  /** Forgets the Metrics API's request windows and `/export` budgets. */
  resetLimits(): void;
}

type Body = Record<string, unknown>;

/** What JSON.parse gives for a JSON object. */
function isBody(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bodyOf(req: SimRequest): Body {
  if (!isBody(req.body)) throw new SimRequestError(400, 'invalid_request', 'the body must be a JSON object');
  return req.body;
}

/** A string field under its API name (`display_name`) or its camelCase twin (`displayName`). */
function field(body: Body, snake: string): string | undefined {
  const camel = snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const value = body[snake] ?? body[camel];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new SimRequestError(400, 'invalid_request', `${snake} must be a string`);
  return value;
}

/** A number field (a count), left to the checks of admin-input.ts. */
function countField(body: Body, name: string): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number')
    throw new SimRequestError(400, 'invalid_request', `${name} must be a number`);
  return value;
}

/** A boolean field; absent is false. */
function flagField(body: Body, name: string): boolean {
  const value = body[name];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean')
    throw new SimRequestError(400, 'invalid_request', `${name} must be true or false`);
  return value;
}

/** What a new Kafka cluster is: `kind`, `cku`, `topics`, `partitions`, each optional. */
function kafkaShapeOf(body: Body): KafkaShapeInput {
  return {
    kind: field(body, 'kind'),
    cku: countField(body, 'cku'),
    topics: countField(body, 'topics'),
    partitions: countField(body, 'partitions'),
  };
}

function placementOf(body: Body): PlacementInput {
  return {
    environment: field(body, 'environment') ?? '',
    displayName: field(body, 'display_name'),
    cloud: field(body, 'cloud'),
    region: field(body, 'region'),
  };
}

/** Where a resource that belongs to a Kafka cluster (ksqlDB cluster, connector) goes. */
function memberOf(body: Body): { environment: string; kafkaCluster: string | undefined } {
  return { environment: field(body, 'environment') ?? '', kafkaCluster: field(body, 'kafka_cluster') };
}

function created(create: (body: Body, ctx: AdminContext) => unknown) {
  return (req: SimRequest, ctx: AdminContext): Reply => jsonReply(201, create(bodyOf(req), ctx));
}

export const ADMIN_ROUTES: readonly Route<AdminContext>[] = [
  { method: 'GET', template: '/_sim/org', handler: (_req, ctx) => jsonReply(200, ctx.store.org) },
  { method: 'GET', template: '/_sim/stats', handler: (_req, ctx) => jsonReply(200, ctx.stats.snapshot()) },
  {
    method: 'POST',
    template: '/_sim/stats/reset',
    handler: (_req, ctx) => jsonReply(200, ctx.stats.reset()),
  },
  {
    method: 'POST',
    template: '/_sim/limits/reset',
    handler(_req, ctx) {
      ctx.resetLimits();
      return jsonReply(200, { reset: true });
    },
  },
  {
    method: 'GET',
    template: '/_sim/kafka-sizes',
    handler: (_req, ctx) => jsonReply(200, listKafkaSizes(ctx.store.org)),
  },
  { method: 'GET', template: '/_sim/config', handler: (_req, ctx) => jsonReply(200, ctx.config()) },
  {
    method: 'PUT',
    template: '/_sim/config',
    handler(req, ctx) {
      ctx.setConfig(bodyOf(req));
      return jsonReply(200, ctx.config());
    },
  },
  {
    method: 'POST',
    template: '/_sim/environments',
    handler: created((b, ctx) => ctx.store.addEnvironment({ displayName: field(b, 'display_name') })),
  },
  {
    method: 'PATCH',
    template: '/_sim/environments/{id}',
    handler(req, ctx) {
      if (ctx.store.find(req.params.id ?? '')?.kind !== 'environment') {
        return errorsReply(404, 'resource_not_found', `environment ${req.params.id} not found`);
      }
      return jsonReply(200, ctx.store.rename(req.params.id ?? '', field(bodyOf(req), 'display_name')));
    },
  },
  {
    method: 'PATCH',
    template: '/_sim/resources/{id}',
    handler: (req, ctx) =>
      jsonReply(200, ctx.store.rename(req.params.id ?? '', field(bodyOf(req), 'display_name'))),
  },
  {
    method: 'DELETE',
    template: '/_sim/resources/{id}',
    handler: (req, ctx) => jsonReply(200, { deleted: ctx.store.remove(req.params.id ?? '') }),
  },
  {
    method: 'POST',
    template: '/_sim/kafka-clusters',
    handler: created((b, ctx) => ctx.store.addKafkaCluster({ ...placementOf(b), ...kafkaShapeOf(b) })),
  },
  {
    method: 'POST',
    template: '/_sim/schema-registries',
    handler: created((b, ctx) => ctx.store.addSchemaRegistry(placementOf(b))),
  },
  {
    method: 'POST',
    template: '/_sim/ksql-clusters',
    handler: created((b, ctx) =>
      ctx.store.addKsqlCluster({ ...memberOf(b), displayName: field(b, 'display_name') }),
    ),
  },
  {
    method: 'POST',
    template: '/_sim/compute-pools',
    handler: created((b, ctx) => ctx.store.addComputePool(placementOf(b))),
  },
  {
    method: 'POST',
    template: '/_sim/connectors',
    handler: created((b, ctx) =>
      ctx.store.addConnector({ ...memberOf(b), name: field(b, 'name'), custom: flagField(b, 'custom') }),
    ),
  },
];
