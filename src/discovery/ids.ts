/**
 * Whether an id can be scraped. An id goes into a scrape parameter that the Metrics API splits on commas, so
 * `lkc-a,lkc-b` would be one target exporting two clusters; whitespace is never part of a real id; and each type
 * has the prefix Confluent documents (reference §6, §12). A record that fails is left out with a warning, never
 * published. Pure.
 */
import type { ConnectorRecord } from '../confluent/records.js';
import type { ResourceType } from './resource.js';

export const ID_PREFIXES: Readonly<Record<ResourceType | 'environment', string>> = {
  environment: 'env-',
  kafka: 'lkc-',
  schema_registry: 'lsrc-',
  ksql: 'lksqlc-',
  compute_pool: 'lfcp-',
  connector: 'lcc-',
  custom_connector: 'clcc-',
};

/** The longest id the management APIs allow (reference §2). */
const MAX_ID_LENGTH = 255;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const CONTROL_RE = /[\u0000-\u001f\u007f]/;

/** Why `id` cannot be scraped as a `kind`, or undefined when it can. */
export function idProblem(
  kind: ResourceType | 'environment',
  id: string | null | undefined,
): string | undefined {
  if (id === undefined || id === null || id === '') return 'has no id';
  const shown = JSON.stringify(id);
  if (id.includes(',')) return `id ${shown} has a separator (",")`;
  if (/\s/.test(id)) return `id ${shown} has whitespace`;
  if (CONTROL_RE.test(id)) return `id ${shown} has a control character`;
  if (id.length > MAX_ID_LENGTH)
    return `id ${shown.slice(0, 40)}… is longer than ${MAX_ID_LENGTH} characters`;
  const prefix = ID_PREFIXES[kind];
  if (!id.startsWith(prefix) || id.length === prefix.length)
    return `id ${shown} does not start with ${JSON.stringify(prefix)}`;
  return undefined;
}

/** A connector entry with an id the Metrics API can take. */
export type IdentifiedConnector = ConnectorRecord & { id: { id: string } };

/** The connector with its id, or why it has none (no `id`, or an `id_type` such as NAME). */
export function identifyConnector(
  c: ConnectorRecord,
): { connector: IdentifiedConnector } | { problem: string } {
  const id = c.id?.id;
  if (id === undefined || id === null || id === '') return { problem: 'has no id' };
  const idType = c.id?.id_type;
  if (idType !== undefined && idType !== null && idType !== 'ID')
    return { problem: `id_type is ${JSON.stringify(idType)}, not "ID" (the Metrics API takes ids only)` };
  return { connector: { ...c, id: { ...c.id, id } } };
}

/**
 * A connector's type: `custom_connector` when its config says `confluent.connector.type: CUSTOM` or its id is a
 * custom connector's (`clcc-…`); the Metrics API exports those from the `cloud-custom` dataset.
 */
export function connectorTypeOf(c: ConnectorRecord): 'connector' | 'custom_connector' {
  const marker = c.info?.config?.['confluent.connector.type'];
  if (typeof marker === 'string' && marker.trim().toUpperCase() === 'CUSTOM') return 'custom_connector';
  return c.id?.id?.startsWith(ID_PREFIXES.custom_connector) ? 'custom_connector' : 'connector';
}
