/** Canonical bytes and their hash: manifests and status objects are byte-stable, documents are addressed by sha256. */
import { createHash } from 'node:crypto';

/** JSON with sorted keys and a final newline, so the same value always gives the same bytes. */
export function canonicalJson(value: unknown, indent = 2): string {
  return `${JSON.stringify(sortKeys(value), null, indent)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/** Hex sha256 of the bytes (a string is hashed as UTF-8), as the manifest records it. */
export function sha256(body: string | Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

/** Hex sha256 and length of a stream's bytes, without holding the whole body (the auditors' verify). */
export async function sha256OfStream(
  stream: AsyncIterable<Buffer>,
): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}
