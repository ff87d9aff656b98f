/**
 * Discovery of several organisations in one run (SD_CONFIG_FILE `organizations:`): one client per key, so each
 * organisation has its own API budget, all at once; their inventories merged. An organisation that fails is
 * reported, not fatal, while another succeeded: the run then keeps the documents that include it as they were
 * (publish/partial.ts). Every organisation failing, or the job being stopped, fails the run as before.
 */
import type { ConfluentConfig } from '../confluent/config.js';
import type { OrganizationKey } from '../confluent/organizations.js';
import { mergeInventories, sumApiStats } from '../discovery/merge.js';
import { AppError, describeError, isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Discovered, FailedOrganization } from './run.js';

/** Discovery of one organisation with its own client (job.ts `createDiscover`, bound to the run's options). */
export type DiscoverOne = (
  config: ConfluentConfig,
  log: Logger,
) => (signal: AbortSignal) => Promise<Discovered>;

export function createOrganizationsDiscover(
  config: ConfluentConfig,
  organizations: readonly OrganizationKey[],
  log: Logger,
  discoverOne: DiscoverOne,
): (signal: AbortSignal) => Promise<Discovered> {
  return async (signal) => {
    const started = Date.now();
    const settled = await Promise.allSettled(
      organizations.map((o) => {
        const own = { ...config, apiKey: o.apiKey, apiSecret: o.apiSecret };
        return discoverOne(own, log.child({ organization: o.name }))(signal);
      }),
    );
    if (signal.aborted) throw firstError(settled) ?? new AppError('ABORTED', 'discovery abandoned');
    const ok = settled.flatMap((s, i) =>
      s.status === 'fulfilled' ? [{ org: organizations[i]!, d: s.value }] : [],
    );
    const failed: FailedOrganization[] = [];
    settled.forEach((s, i) => {
      if (s.status === 'fulfilled') return;
      const name = organizations[i]!.name;
      const code = isAppError(s.reason) ? s.reason.code : 'API_UNAVAILABLE';
      failed.push({ name, code, error: describeError(s.reason) });
      log.error({ err: s.reason, organization: name }, 'discovery of an organization failed');
    });
    if (ok.length === 0) throw allFailedError(failed, firstError(settled));
    return {
      inventory: mergeInventories(
        ok.map(({ org, d }) => ({ organization: org.name, inventory: d.inventory })),
      ),
      api: sumApiStats(ok.map(({ d }) => d.api)),
      durationMs: Date.now() - started,
      organizations: organizations.map((o) => o.name),
      failed,
    };
  };
}

function firstError(settled: readonly PromiseSettledResult<unknown>[]): unknown {
  return settled.find((s) => s.status === 'rejected')?.reason;
}

/** Every organisation failed: the run fails as a one-organisation run does, naming each. */
function allFailedError(failed: readonly FailedOrganization[], cause: unknown): AppError {
  const code = isAppError(cause) ? cause.code : 'API_UNAVAILABLE';
  const message = failed.map((f) => `organization ${f.name}: ${f.error}`).join('; ');
  return new AppError(code, message, { cause, retryable: isAppError(cause) ? cause.retryable : true });
}
