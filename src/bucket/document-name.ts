/**
 * How a combination (a target list and a label prefix) is named in the bucket: a deterministic, readable name
 * safe as an object key and a file name, `<prefix without trailing "_" | "noprefix">--<target>[--<target>…]`
 * with `:` as `-`. Example: `confluent--api.telemetry.confluent.cloud`. Two combinations with one name are a
 * configuration error (render/config.ts reports it).
 */
export interface NamedCombination {
  readonly targets: readonly string[];
  readonly prefix: string;
}

export function documentName(c: NamedCombination): string {
  const prefixPart = c.prefix === '' ? 'noprefix' : c.prefix.replace(/_+$/, '') || 'underscore';
  return [prefixPart, ...c.targets.map((t) => t.replace(/:/g, '-'))].join('--');
}

/** A stable key for looking a combination up (the order of targets matters: it is the order in the document). */
export function combinationKey(c: NamedCombination): string {
  return `${c.targets.join(',')}|${c.prefix}`;
}
