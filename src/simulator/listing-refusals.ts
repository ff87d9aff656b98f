/**
 * Permanent refusals of one listing and deletions between two listings, set through `PUT /_sim/config`, so a
 * client can be tested against what the recorded responses show (reference §12):
 *
 * - `schemaRegistryUnavailable`: the Schema Registry list answers 403 in every environment, with the body of
 *   Confluent Cloud for Government (`schema_registry_cluster/not_available.json`).
 * - `forbiddenEnvironments`: every listing in these environments answers 403, as for a key limited to others.
 * - `deleteAfterListing`: an environment or Kafka cluster is deleted right after a listing page showed it, so
 *   the next listing in it finds it gone (Connect answers 404, the environment's listings 403).
 */
import { randomUUID } from 'node:crypto';
import type { OrgStore } from './org-store.js';
import { connectErrorReply, errorsReply, jsonReply, type Reply } from './reply.js';
import type { RuntimeSettings } from './sim-config.js';

/** The APIs that list inside an environment. */
export type ListingApi = 'cmk' | 'srcm' | 'ksqldbcm' | 'fcpm' | 'connect';

const GOVERNMENT_DETAIL =
  'This service is not available in Confluent Cloud for Government. If you think this is incorrect, contact support@confluent.io';

/** The recorded body: no `code`, an empty `source`. */
function serviceUnavailableReply(): Reply {
  return jsonReply(403, {
    errors: [{ id: randomUUID().replaceAll('-', ''), status: '403', detail: GOVERNMENT_DETAIL, source: {} }],
  });
}

/** The 403 a listing of `api` in `environmentId` gets under the settings in force, if any. */
export function refusalOf(
  settings: RuntimeSettings,
  api: ListingApi,
  environmentId: string,
): Reply | undefined {
  const { schemaRegistryUnavailable, forbiddenEnvironments } = settings.value;
  if (forbiddenEnvironments.includes(environmentId)) {
    // Connect's own error shape [U: the reference shows Connect's 401 and 404, not its 403]
    return api === 'connect'
      ? connectErrorReply(403, 'Forbidden Access')
      : errorsReply(403, 'user_unauthorized', 'Forbidden Access');
  }
  if (api === 'srcm' && schemaRegistryUnavailable) return serviceUnavailableReply();
  return undefined;
}

/** Deletes the ids of `deleteAfterListing` that a listing page just showed, and forgets them. */
export function deleteListed(store: OrgStore, settings: RuntimeSettings, ids: readonly string[]): void {
  const marked = settings.value.deleteAfterListing;
  const hit = ids.filter((id) => marked.includes(id));
  if (hit.length === 0) return;
  for (const id of hit) if (store.find(id)) store.remove(id);
  settings.update({ deleteAfterListing: marked.filter((id) => !hit.includes(id)) });
}
