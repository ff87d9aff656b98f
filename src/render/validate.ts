/**
 * Prometheus's rules for an http_sd document (reference/prometheus-http-sd.md §2, §4), applied before we
 * publish, so a document Prometheus would reject as a whole never leaves the job.
 */

const LEGACY_LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
// A lone UTF-16 surrogate cannot be encoded as UTF-8; Go's decoder would silently turn it into U+FFFD.
const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const GROUP_KEYS = new Set(['targets', 'labels']);

export interface CheckSdOptions {
  /** Prometheus 2.x: label names must match `^[a-zA-Z_][a-zA-Z0-9_]*$`. 3.x: any non-empty UTF-8 name. */
  legacyLabelNames: boolean;
}

/** Every problem Prometheus (or our stricter reading of it) would find in the document; [] when valid. */
export function checkSdDocument(body: string, options: CheckSdOptions): string[] {
  const groups = iterateGroups(body);
  if (typeof groups === 'string') return [groups];
  const problems: string[] = [];
  // public labels (instance defaulting to the address, every name not starting "__") + address → first group
  const seen = new Map<string, number>();
  let i = 0;
  for (const item of groups) {
    checkGroup(item, i, options, seen, problems);
    i += 1;
  }
  return problems;
}

/**
 * The groups of a document, or why it is not a JSON array. Our own layout (`[\n<group>,\n…<group>\n]\n`, one
 * group per line; JSON strings never hold a raw newline) is parsed one line at a time, so checking a large
 * document makes short-lived garbage only; anything else is parsed whole.
 */
function iterateGroups(body: string): Iterable<unknown> | string {
  if (body.startsWith('[\n') && body.endsWith('\n]\n')) {
    const lines = body.slice(2, -3).split('\n');
    const last = lines.length - 1;
    if (lines.every((line, n) => n === last || line.endsWith(','))) {
      try {
        // parse every line first: a line that is not JSON falls back to the whole-document error message
        for (const [n, line] of lines.entries()) JSON.parse(n === last ? line : line.slice(0, -1));
        return (function* () {
          for (const [n, line] of lines.entries()) yield JSON.parse(n === last ? line : line.slice(0, -1));
        })();
      } catch {
        // fall through
      }
    }
  }
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (err) {
    return `document is not JSON: ${err instanceof Error ? err.message : String(err)}`;
  }
  return Array.isArray(doc) ? doc : 'document must be a JSON array of target groups';
}

function checkGroup(
  item: unknown,
  i: number,
  options: CheckSdOptions,
  seen: Map<string, number>,
  problems: string[],
): void {
  const where = `group ${i}`;
  if (item === null) {
    problems.push(`${where}: null item (Prometheus: nil target group item found)`);
    return;
  }
  if (typeof item !== 'object' || Array.isArray(item)) {
    problems.push(`${where}: must be an object with "targets" and "labels"`);
    return;
  }
  const group = item as Record<string, unknown>;
  for (const key of Object.keys(group)) {
    // Prometheus decodes with DisallowUnknownFields: one unknown key rejects the whole document
    if (!GROUP_KEYS.has(key)) problems.push(`${where}: unknown key ${JSON.stringify(key)}`);
  }
  const labels = checkLabels(group.labels, where, options, problems);
  const targets = checkTargets(group.targets, where, problems);
  for (const target of targets) {
    const key = publicIdentity(target, labels);
    const other = seen.get(key);
    if (other === undefined) seen.set(key, i);
    else
      problems.push(
        `${where}: target ${JSON.stringify(target)} has the same instance and public labels as in group ${other} ` +
          '(their series would merge)',
      );
  }
}

function checkTargets(value: unknown, where: string, problems: string[]): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push(`${where}: "targets" must be a non-empty array of strings`);
    return [];
  }
  const targets: string[] = [];
  value.forEach((t: unknown, j) => {
    if (typeof t !== 'string' || t === '') problems.push(`${where}: target ${j} must be a non-empty string`);
    // the scrape manager drops an address with a "/" ("is not a valid hostname"); the path is __metrics_path__
    else if (t.includes('/'))
      problems.push(`${where}: target ${JSON.stringify(t)} must be host[:port] without "/"`);
    else targets.push(t);
  });
  return targets;
}

function checkLabels(
  value: unknown,
  where: string,
  options: CheckSdOptions,
  problems: string[],
): Record<string, string> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${where}: "labels" must be an object of strings`);
    return {};
  }
  const labels: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (
      options.legacyLabelNames
        ? !LEGACY_LABEL_NAME_RE.test(name)
        : name === '' || LONE_SURROGATE_RE.test(name)
    )
      problems.push(`${where}: ${JSON.stringify(name)} is not a valid label name`);
    if (typeof v !== 'string')
      problems.push(`${where}: label ${JSON.stringify(name)} must have a string value`);
    else if (LONE_SURROGATE_RE.test(v))
      problems.push(`${where}: label ${JSON.stringify(name)} is not valid UTF-8`);
    else labels[name] = v;
  }
  return labels;
}

// Two scrape targets of one job with the same address and the same public labels write the same `up` series.
function publicIdentity(target: string, labels: Record<string, string>): string {
  const publicLabels = Object.entries(labels)
    .filter(([name]) => !name.startsWith('__') && name !== 'instance')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([target, labels.instance ?? target, publicLabels]);
}
