/**
 * Pairs the documents of two snapshots: by combination (targets + prefix) first, then by name, then by targets
 * alone or prefix alone, so a snapshot rendered with another prefix, param style or target list still lines up
 * with the one before it.
 */
import type { DocumentEntry } from '../bucket/manifest.js';
import type { DocumentContent } from './document-resources.js';
import { diffResources } from './resource-diff.js';

/** One document of one snapshot: its name, manifest entry and resources. */
export interface Side {
  name: string;
  entry: DocumentEntry;
  content: DocumentContent;
}

// keys tried in order, most specific first; each pass pairs only documents still unpaired
const MATCH_KEYS: ((s: Side) => string)[] = [
  (s) => `${JSON.stringify(s.entry.targets)}|${s.entry.prefix}`,
  (s) => s.name,
  (s) => `${JSON.stringify([...s.entry.targets].sort())}|${s.entry.prefix}`,
  (s) => JSON.stringify(s.entry.targets),
  (s) => s.entry.prefix,
];

function resourceDistance(a: Side, b: Side): number {
  const d = diffResources(a.content, b.content);
  return d.added.length + d.removed.length + d.changed.length;
}

/**
 * Pairs documents across two snapshots. When a key is shared by several documents (one combination's prefix
 * changed while another with the same targets stayed), each is paired with the candidate whose resources differ
 * least, ties by name; what is left over was added or removed.
 */
export function matchDocuments(
  from: Side[],
  to: Side[],
): { pairs: [Side, Side][]; removed: Side[]; added: Side[] } {
  const left = new Set(from);
  const right = new Set(to);
  const pairs: [Side, Side][] = [];
  for (const keyOf of MATCH_KEYS) {
    const candidates = new Map<string, Side[]>();
    for (const s of right) candidates.set(keyOf(s), [...(candidates.get(keyOf(s)) ?? []), s]);
    for (const l of [...left]) {
      const options = (candidates.get(keyOf(l)) ?? []).filter((r) => right.has(r));
      if (options.length === 0) continue;
      let best = options[0]!;
      let bestDistance = options.length === 1 ? 0 : resourceDistance(l, best);
      for (const r of options.slice(1)) {
        const distance = resourceDistance(l, r);
        if (distance < bestDistance) [best, bestDistance] = [r, distance];
      }
      pairs.push([l, best]);
      left.delete(l);
      right.delete(best);
    }
  }
  return { pairs, removed: [...left], added: [...right] };
}
