/**
 * The info document of a snapshot (`<doc>.info.prom`) read back: one `confluent_resource_info` series per resource,
 * whose labels are the resource's public labels however its target group was packed. The labels only the info
 * document carries (render/labels.ts INFO_ONLY_LABELS: a ksqlDB cluster's Kafka cluster) are left out, so a resource
 * has the same labels whether it was read from its own group or from its series, and across snapshots written
 * before those labels existed. Read strictly: a line that is not what render/info.ts writes is MANIFEST_INVALID
 * naming the file and the line.
 */
import { isResourceType } from '../discovery/resource.js';
import { AppError } from '../errors.js';
import { INFO_METRIC, idLabelName } from '../render/info.js';
import { INFO_ONLY_LABELS } from '../render/labels.js';

export interface InfoSeries {
  type: string;
  id: string;
  /** Public labels without the prefix, the `<type>_id` join label left out. */
  labels: Record<string, string>;
  /** 1-based line of the series, for messages. */
  line: number;
}

const NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', '"': '"', n: '\n' };

/** Series by `type id` key (see resourceKey), in line order. */
export function parseInfoDocument(body: string, prefix: string, where: string): Map<string, InfoSeries> {
  const out = new Map<string, InfoSeries>();
  const lines = body.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const text = lines[index] ?? '';
    if (text === '' || text.startsWith('#')) continue;
    const series = readSeries(text, index + 1, prefix, where);
    const key = `${series.type} ${series.id}`;
    const first = out.get(key);
    if (first)
      throw invalid(where, series.line, `a second series for ${key} (the first on line ${first.line})`);
    out.set(key, series);
  }
  return out;
}

function invalid(where: string, line: number, what: string): AppError {
  return new AppError('MANIFEST_INVALID', `read ${where}: line ${line}: ${what}`);
}

function readSeries(text: string, line: number, prefix: string, where: string): InfoSeries {
  const fail = (what: string): never => {
    throw invalid(where, line, what);
  };
  const series = parseSeriesLine(text, fail);
  const type = series[`${prefix}resource_type`];
  if (type === undefined) return fail(`no ${prefix}resource_type label`);
  const id = series[idLabelName(type)];
  if (id === undefined || id === '') return fail(`no ${idLabelName(type)} label`);
  return { type, id, labels: publicLabels(series, prefix, type), line };
}

function publicLabels(series: Record<string, string>, prefix: string, type: string): Record<string, string> {
  const idLabel = idLabelName(type);
  const infoOnly = new Set(
    (isResourceType(type) ? (INFO_ONLY_LABELS[type] ?? []) : []).map(([name]) => prefix + name),
  );
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(series)) {
    if (name === idLabel || infoOnly.has(name)) continue;
    out[prefix !== '' && name.startsWith(prefix) ? name.slice(prefix.length) : name] = value;
  }
  return out;
}

/** `confluent_resource_info{name="value",…} 1`: the labels, or `fail` with what is wrong. */
function parseSeriesLine(text: string, fail: (what: string) => never): Record<string, string> {
  const open = `${INFO_METRIC}{`;
  if (!text.startsWith(open)) return fail(`not a ${INFO_METRIC} series`);
  const labels: Record<string, string> = {};
  let at = open.length;
  while (text[at] !== '}') {
    const name = NAME_RE.exec(text.slice(at))?.[0];
    if (name === undefined) return fail(`a label name expected at column ${at + 1}`);
    if (name in labels) return fail(`label ${name} given twice`);
    at += name.length;
    if (text[at] !== '=' || text[at + 1] !== '"') return fail(`${name}: ="…" expected at column ${at + 1}`);
    const value = readQuoted(text, at + 2, fail);
    labels[name] = value.text;
    at = value.end;
    if (text[at] === ',') at++;
    else if (text[at] !== '}') return fail(`"," or "}" expected at column ${at + 1}`);
  }
  if (text.slice(at) !== '} 1')
    return fail(`the value must be 1, got ${JSON.stringify(text.slice(at + 1).trim())}`);
  return labels;
}

/** A label value from just after its opening quote: the unescaped text and the index after the closing quote. */
function readQuoted(
  text: string,
  start: number,
  fail: (what: string) => never,
): { text: string; end: number } {
  let out = '';
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') return { text: out, end: i + 1 };
    if (c !== '\\') {
      out += c;
      continue;
    }
    const escaped = ESCAPES[text[i + 1] ?? ''];
    if (escaped === undefined) return fail(`bad escape at column ${i + 1}`);
    out += escaped;
    i++;
  }
  return fail('a label value without its closing quote');
}
