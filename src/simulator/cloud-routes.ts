/** The control-plane endpoints of DESIGN §3: org, cmk, srcm, ksqldbcm, fcpm (paged) and connect (not paged). */

import { type ConnectorPart, connectorToExpanded } from './connect-records.js';
import { listReply } from './list-page.js';
import type { ListingApi } from './listing-refusals.js';
import type { SimEnvironment } from './org.js';
import type { OrgStore } from './org-store.js';
import {
  computePoolToRecord,
  environmentToRecord,
  kafkaClusterToRecord,
  ksqlClusterToRecord,
  type RecordContext,
  schemaRegistryToRecord,
} from './records.js';
import {
  connectErrorReply,
  errorsReply,
  jsonReply,
  notFoundReply,
  type Reply,
  type SimRequest,
} from './reply.js';
import type { Route } from './router.js';

export interface CloudContext {
  store: OrgStore;
  pageTokenTtlMs: number;
  /** The permanent refusal a listing of `api` in an environment gets (listing-refusals.ts), if any. */
  refusal(api: ListingApi, environmentId: string): Reply | undefined;
  /** Ids a listing page just showed: those marked `deleteAfterListing` are deleted now. */
  listed(ids: readonly string[]): void;
}

function recordContext(req: SimRequest, ctx: CloudContext): RecordContext {
  return { baseUrl: req.baseUrl, organizationId: ctx.store.org.organizationId };
}

/** The environment named by `?environment=` (required on these APIs), or the error to answer. */
function environmentFilter(req: SimRequest, ctx: CloudContext): SimEnvironment | Reply {
  const id = req.query.get('environment');
  if (id === null || id === '') {
    return errorsReply(400, 'invalid_filter', 'Missing required query parameter: environment', {
      parameter: 'environment',
    });
  }
  // Confluent answers 403 for an environment the key cannot see, whether or not it exists.
  return ctx.store.environment(id) ?? errorsReply(403, 'user_unauthorized', 'Forbidden Access');
}

interface EnvScopedType<T> {
  api: ListingApi;
  path: string;
  apiVersion: string;
  listKind: string;
  items(env: SimEnvironment): readonly T[];
  toRecord(rc: RecordContext, env: SimEnvironment, item: T, ctx: CloudContext): unknown;
}

/** The list and get-by-id routes of one environment-scoped type. */
function envScopedRoutes<T extends { id: string }>(type: EnvScopedType<T>): Route<CloudContext>[] {
  return [
    {
      method: 'GET',
      template: type.path,
      handler(req, ctx) {
        const env = environmentFilter(req, ctx);
        if ('status' in env) return env;
        const refusal = ctx.refusal(type.api, env.id);
        if (refusal) return refusal;
        const items = type.items(env);
        const rc = recordContext(req, ctx);
        const shown: string[] = [];
        const reply = listReply(req, ctx.pageTokenTtlMs, {
          apiVersion: type.apiVersion,
          kind: type.listKind,
          total: items.length,
          slice: (offset, size) =>
            items.slice(offset, offset + size).map((x) => {
              shown.push(x.id);
              return type.toRecord(rc, env, x, ctx);
            }),
        });
        ctx.listed(shown);
        return reply;
      },
    },
    {
      method: 'GET',
      template: `${type.path}/{id}`,
      handler(req, ctx) {
        const env = environmentFilter(req, ctx);
        if ('status' in env) return env;
        const refusal = ctx.refusal(type.api, env.id);
        if (refusal) return refusal;
        const item = type.items(env).find((x) => x.id === req.params.id);
        return item
          ? jsonReply(200, type.toRecord(recordContext(req, ctx), env, item, ctx))
          : notFoundReply();
      },
    },
  ];
}

const EXPAND_PARTS: readonly ConnectorPart[] = ['id', 'info', 'status'];

function connectorsHandler(req: SimRequest, ctx: CloudContext): Reply {
  const refusal = ctx.refusal('connect', req.params.environment_id ?? '');
  if (refusal) return refusal;
  const found = ctx.store.kafkaCluster(req.params.kafka_cluster_id ?? '');
  if (!found || found.env.id !== req.params.environment_id)
    return connectErrorReply(404, 'account not found');
  const { env, cluster } = found;
  // `expand=id,info,status` as the Confluent CLI sends it, or repeated `expand=` params
  const asked = req.query.getAll('expand').flatMap((v) => v.split(','));
  const parts = new Set(EXPAND_PARTS.filter((p) => asked.includes(p)));
  // custom connectors are in the same listing as managed ones (reference §12)
  const all = [...cluster.connectors, ...cluster.customConnectors];
  if (asked.length === 0)
    return jsonReply(
      200,
      all.map((c) => c.name),
    );
  const body: Record<string, unknown> = {};
  for (const c of all) body[c.name] = connectorToExpanded(env, cluster, c, parts);
  return jsonReply(200, body);
}

function connectorHandler(req: SimRequest, ctx: CloudContext): Reply {
  const found = ctx.store.kafkaCluster(req.params.kafka_cluster_id ?? '');
  if (!found || found.env.id !== req.params.environment_id)
    return connectErrorReply(404, 'account not found');
  const { connectors, customConnectors } = found.cluster;
  const c = [...connectors, ...customConnectors].find((x) => x.name === req.params.connector_name);
  if (!c) return connectErrorReply(404, `Connector ${req.params.connector_name} not found`);
  const { info } = connectorToExpanded(found.env, found.cluster, c, new Set(['info']));
  return jsonReply(200, info);
}

export const CLOUD_ROUTES: readonly Route<CloudContext>[] = [
  {
    method: 'GET',
    template: '/org/v2/environments',
    handler(req, ctx) {
      const envs = ctx.store.org.environments;
      const rc = recordContext(req, ctx);
      const shown: string[] = [];
      const reply = listReply(req, ctx.pageTokenTtlMs, {
        apiVersion: 'org/v2',
        kind: 'EnvironmentList',
        total: envs.length,
        slice: (offset, size) =>
          envs.slice(offset, offset + size).map((e) => {
            shown.push(e.id);
            return environmentToRecord(rc, e);
          }),
      });
      ctx.listed(shown);
      return reply;
    },
  },
  {
    method: 'GET',
    template: '/org/v2/environments/{id}',
    handler(req, ctx) {
      const env = ctx.store.environment(req.params.id ?? '');
      return env ? jsonReply(200, environmentToRecord(recordContext(req, ctx), env)) : notFoundReply();
    },
  },
  ...envScopedRoutes({
    api: 'cmk',
    path: '/cmk/v2/clusters',
    apiVersion: 'cmk/v2',
    listKind: 'ClusterList',
    items: (env) => env.kafkaClusters,
    toRecord: kafkaClusterToRecord,
  }),
  ...envScopedRoutes({
    api: 'srcm',
    path: '/srcm/v3/clusters',
    apiVersion: 'srcm/v3',
    listKind: 'ClusterList',
    items: (env) => (env.schemaRegistry ? [env.schemaRegistry] : []),
    toRecord: schemaRegistryToRecord,
  }),
  ...envScopedRoutes({
    api: 'ksqldbcm',
    path: '/ksqldbcm/v2/clusters',
    apiVersion: 'ksqldbcm/v2',
    listKind: 'ClusterList',
    items: (env) => env.ksqlClusters,
    toRecord: (rc, env, q, ctx) =>
      ksqlClusterToRecord(rc, env, q, ctx.store.kafkaCluster(q.kafkaClusterId)?.cluster),
  }),
  ...envScopedRoutes({
    api: 'fcpm',
    path: '/fcpm/v2/compute-pools',
    apiVersion: 'fcpm/v2',
    listKind: 'ComputePoolList',
    items: (env) => env.computePools,
    toRecord: computePoolToRecord,
  }),
  {
    method: 'GET',
    template: '/connect/v1/environments/{environment_id}/clusters/{kafka_cluster_id}/connectors',
    handler: connectorsHandler,
  },
  {
    method: 'GET',
    template:
      '/connect/v1/environments/{environment_id}/clusters/{kafka_cluster_id}/connectors/{connector_name}',
    handler: connectorHandler,
  },
];
