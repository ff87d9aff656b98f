/** What the routes see of one organisation: its store; the runtime settings, stats and gate are the simulator's. */
import type { AdminContext } from './admin-routes.js';
import type { CloudContext } from './cloud-routes.js';
import { deleteListed, refusalOf } from './listing-refusals.js';
import type { MetricsGate } from './metrics-gate.js';
import { limitSetOf } from './metrics-limits.js';
import type { MetricsContext } from './metrics-routes.js';
import type { OrgStore } from './org-store.js';
import { SimRequestError } from './reply.js';
import type { RuntimeSettings } from './sim-config.js';
import type { StatsRecorder } from './stats.js';

export type RouteContext = CloudContext & MetricsContext & AdminContext;

export function createRouteContext(
  store: OrgStore,
  settings: RuntimeSettings,
  stats: StatsRecorder,
  gate: MetricsGate,
): RouteContext {
  return {
    store,
    stats,
    get pageTokenTtlMs() {
      return settings.value.pageTokenTtlMs;
    },
    exportOptions() {
      const set = limitSetOf(settings.value.metricsLimits);
      return { sized: set !== undefined, pointsCap: set?.pointsPerMetric ?? Number.POSITIVE_INFINITY };
    },
    truncated: (now, seriesCut) => stats.metrics.truncated(now, seriesCut),
    resourceDescriptors: () => settings.value.resourceDescriptors,
    refusal: (api, environmentId) => refusalOf(settings, api, environmentId),
    listed: (ids) => deleteListed(store, settings, ids),
    resetLimits: () => gate.reset(),
    config: () => settings.snapshot(),
    setConfig(partial) {
      const problems = settings.update(partial);
      if (problems.length > 0) throw new SimRequestError(400, 'invalid_request', problems.join('; '));
    },
  };
}
