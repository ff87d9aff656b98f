/**
 * What discovery leaves out, collected while it walks: listings refused for good (403) or of something deleted
 * meanwhile (404), and records that cannot be scraped. Each is one warning when it happens and one entry of the
 * inventory's report (then the summary and the manifest), so nothing vanishes silently.
 *
 * Only these two answers of one listing are taken as final: 403 is what Confluent Cloud for Government answers
 * the Schema Registry list with, what a key limited to some environments gets on the others, and what an
 * environment deleted since it was listed answers; 404 is what Connect answers for a Kafka cluster deleted since
 * it was listed. Anything transient (429, 5xx, timeouts after the retries) still fails the run: stale beats partial.
 */
import { HttpStatusError, httpStatusOf } from '../confluent/upstream-error.js';
import { isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import {
  type DiscoveryReport,
  type InvalidRecord,
  type ListingOutcome,
  RESOURCE_TYPES,
  type ResourceType,
  type SkippedType,
} from './resource.js';

export type ListingPlace = Omit<ListingOutcome, 'status' | 'reason'>;

export class DiscoveryRecorder {
  private readonly refused: ListingOutcome[] = [];
  private readonly gone: ListingOutcome[] = [];
  private readonly invalid: InvalidRecord[] = [];

  constructor(private readonly log: Logger) {}

  /** A record that cannot be scraped: left out, named in a warning. */
  leaveOut(record: InvalidRecord): void {
    this.invalid.push(record);
    this.log.warn({ ...record }, 'record cannot be scraped, left out');
  }

  /**
   * Runs one listing. A 403 (refused) or 404 (gone) is recorded and lists nothing; any other failure is thrown.
   * The 403 is reported with the server's own words, not as a missing role: it is often not one (see above).
   */
  async listing<T>(place: ListingPlace, list: () => Promise<T[]>): Promise<T[]> {
    try {
      return await list();
    } catch (err) {
      const status = httpStatusOf(err);
      const final =
        (status === 403 && isAppError(err, 'API_AUTH')) || (status === 404 && isAppError(err, 'API_REQUEST'));
      if (!final || status === undefined) throw err;
      const reason = err instanceof Error && err.cause instanceof HttpStatusError ? err.cause.message : '';
      const outcome: ListingOutcome = { ...place, status, reason };
      if (status === 403) {
        this.refused.push(outcome);
        this.log.warn({ ...outcome }, 'listing refused, its resources are left out of this snapshot');
      } else {
        this.gone.push(outcome);
        this.log.warn({ ...outcome }, 'listed resource deleted since, nothing to list in it');
      }
      return [];
    }
  }

  report(
    types: ResourceType[],
    typesFrom: DiscoveryReport['typesFrom'],
    skipped: SkippedType[],
  ): DiscoveryReport {
    return {
      types: [...types].sort(byTypeRank),
      typesFrom,
      skippedTypes: [...skipped].sort((a, b) => byTypeRank(a.type, b.type)),
      refused: [...this.refused].sort(compareOutcomes),
      gone: [...this.gone].sort(compareOutcomes),
      invalid: [...this.invalid].sort(compareInvalid),
    };
  }
}

function rank(type: string): number {
  return type === 'environment' ? -1 : (RESOURCE_TYPES as readonly string[]).indexOf(type);
}

function byTypeRank(a: string, b: string): number {
  return rank(a) - rank(b);
}

function compareText(a: string | undefined, b: string | undefined): number {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareOutcomes(a: ListingOutcome, b: ListingOutcome): number {
  return (
    byTypeRank(a.listing, b.listing) ||
    compareText(a.environmentId, b.environmentId) ||
    compareText(a.kafkaClusterId, b.kafkaClusterId)
  );
}

function compareInvalid(a: InvalidRecord, b: InvalidRecord): number {
  return (
    byTypeRank(a.type, b.type) ||
    compareText(a.environmentId, b.environmentId) ||
    compareText(a.kafkaClusterId, b.kafkaClusterId) ||
    compareText(a.name, b.name) ||
    compareText(a.id, b.id)
  );
}
