/**
 * The serve-time selection of `/discovery` (issue 17), under the parameter names of Confluent's own Metrics API
 * `/discovery` (reference/confluent-cloud-api.md §7.3): `env`, `associated_kafka_id`, `resource_type`. Each is given
 * at most once, as Confluent requires; unlike Confluent, a value may be a comma list (`env=env-1,env-2`), so every
 * URL Confluent takes is taken here with the same meaning. Values of one parameter are alternatives, parameters
 * narrow each other. Any other parameter than these and the combination's `targets` and `prefix` is a 400.
 */
import { SEED_LABELS } from '../render/labels.js';
import { HttpError } from './errors.js';

export const SELECTION_PARAMS = ['env', 'associated_kafka_id', 'resource_type'] as const;
export type SelectionParam = (typeof SELECTION_PARAMS)[number];

const KNOWN_PARAMS: readonly string[] = ['targets', 'prefix', ...SELECTION_PARAMS];

/** Every type a document can hold (the render layer's table of labels has one row per type). */
export const SELECTABLE_TYPES: readonly string[] = Object.keys(SEED_LABELS);

/** The id prefixes of discovery/ids.ts (ID_PREFIXES), which the serve layer may not import. */
export const SELECTION_ID_PREFIXES = { env: 'env-', associated_kafka_id: 'lkc-' } as const;

/** As long as `targets` may be. */
const MAX_PARAM_LENGTH = 4096;
/** The longest id the management APIs allow, as discovery/ids.ts checks. */
const MAX_ID_LENGTH = 255;
// no separator, white space or control character: what discovery/ids.ts refuses in an id it publishes
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const ID_CHARS_RE = /^[^,\s\u0000-\u001f\u007f]+$/;

export interface Selection {
  /** The values of each parameter given, deduplicated and sorted. */
  filters: Readonly<Partial<Record<SelectionParam, readonly string[]>>>;
  /** `associated_kafka_id=…&env=…&resource_type=…` of the parameters given: one key however it was written. */
  key: string;
}

function shown(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
}

/**
 * The selection of a `/sd/<name>.json` request: only the three filters (the document is named by its path);
 * undefined without any. An info document takes none.
 */
export function parseDocumentSelection(
  query: Readonly<Record<string, unknown>>,
  info: boolean,
): Selection | undefined {
  const allowed: readonly string[] = info ? [] : SELECTION_PARAMS;
  const unknown = Object.keys(query).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    const takes = info
      ? 'an info document takes no parameter'
      : `/sd/<name>.json takes ${SELECTION_PARAMS.join(', ')}`;
    throw invalid(`unknown parameter ${unknown.map(shown).join(', ')}; ${takes}`);
  }
  return parseSelection(query);
}

function invalid(message: string): HttpError {
  return new HttpError('invalid_selection', message);
}

function valueProblem(param: SelectionParam, value: string): string | undefined {
  if (param === 'resource_type') {
    return SELECTABLE_TYPES.includes(value)
      ? undefined
      : `unknown resource_type ${shown(value)}; supported: ${SELECTABLE_TYPES.join(', ')}`;
  }
  const prefix = SELECTION_ID_PREFIXES[param];
  if (value.length > MAX_ID_LENGTH || !ID_CHARS_RE.test(value))
    return `${param} ${shown(value)} is not an id (up to ${MAX_ID_LENGTH} characters, no white space)`;
  if (!value.startsWith(prefix) || value.length === prefix.length)
    return `${param} ${shown(value)} is not an id: it must start with "${prefix}"`;
  return undefined;
}

function parseValues(param: SelectionParam, raw: unknown): string[] {
  if (typeof raw !== 'string')
    throw invalid(`${param} must be given once; name several as a comma list (${param}=a,b)`);
  if (raw.length > MAX_PARAM_LENGTH) throw invalid(`${param} is longer than ${MAX_PARAM_LENGTH} characters`);
  const values = raw.split(',').map((v) => v.trim());
  if (values.some((v) => v === '')) throw invalid(`${param} has an empty value`);
  const problems = values.map((v) => valueProblem(param, v)).filter((p) => p !== undefined);
  if (problems.length > 0) throw invalid(problems.join('; '));
  return [...new Set(values)].sort();
}

/**
 * The selection a `/discovery` query asks for, or undefined when it names none (the whole document). Throws
 * `invalid_selection` (400) for a parameter `/discovery` does not take, a repeated one, or a bad value.
 */
export function parseSelection(query: Readonly<Record<string, unknown>>): Selection | undefined {
  const unknown = Object.keys(query).filter((k) => !KNOWN_PARAMS.includes(k));
  if (unknown.length > 0) {
    throw invalid(
      `unknown parameter ${unknown.map(shown).join(', ')}; /discovery takes ${KNOWN_PARAMS.join(', ')}`,
    );
  }
  const filters: Partial<Record<SelectionParam, readonly string[]>> = {};
  const parts: string[] = [];
  for (const param of [...SELECTION_PARAMS].sort()) {
    if (!Object.hasOwn(query, param)) continue;
    const values = parseValues(param, query[param]);
    filters[param] = values;
    parts.push(`${param}=${values.join(',')}`);
  }
  return parts.length === 0 ? undefined : { filters, key: parts.join('&') };
}
