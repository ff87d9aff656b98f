/** Byte ranges of the bucket tree's objects (RFC 9110 §14): one range of an object, or the whole of it. */
import { Readable } from 'node:stream';

export type RangeAnswer =
  | { kind: 'whole' }
  | { kind: 'part'; start: number; end: number }
  | { kind: 'unsatisfiable' };

const WHOLE: RangeAnswer = { kind: 'whole' };

/** `If-Range` holds when it is the object's strong ETag, or exactly its `Last-Modified` (RFC 9110 §13.1.5). */
function ifRangeHolds(ifRange: string, etag: string, lastModified: Date): boolean {
  const tag = ifRange.trim();
  if (tag.startsWith('"') || tag.startsWith('W/')) return tag === etag;
  return Date.parse(tag) === Math.floor(lastModified.getTime() / 1000) * 1000;
}

/**
 * What `Range` asks of an object of `size` bytes. One `bytes=` range is a part, or unsatisfiable when it starts
 * past the end; anything else (several ranges, another unit, a header that does not parse, last < first, a stale
 * `If-Range`) gets the whole object, as RFC 9110 §14.2 lets a server answer.
 */
export function rangeOf(
  headers: { range?: string | undefined; 'if-range'?: string | undefined },
  size: number,
  etag: string,
  lastModified: Date,
): RangeAnswer {
  const { range, 'if-range': ifRange } = headers;
  if (range === undefined) return WHOLE;
  if (ifRange !== undefined && !ifRangeHolds(ifRange, etag, lastModified)) return WHOLE;
  const m = /^bytes=[ \t]*(\d*)[ \t]*-[ \t]*(\d*)[ \t]*$/i.exec(range.trim());
  if (!m || (m[1] === '' && m[2] === '')) return WHOLE;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'part', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  if (start >= size) return { kind: 'unsatisfiable' };
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return end < start ? WHOLE : { kind: 'part', start, end };
}

/** Bytes `start`…`end` (inclusive) of `source`; `source` is destroyed once they are read. */
export function sliceStream(source: Readable, start: number, end: number): Readable {
  async function* slice() {
    let pos = 0;
    for await (const chunk of source as AsyncIterable<Buffer>) {
      const from = Math.max(0, start - pos);
      const to = Math.min(chunk.length, end + 1 - pos);
      if (to > from) yield chunk.subarray(from, to);
      pos += chunk.length;
      if (pos > end) break;
    }
  }
  return Readable.from(slice(), { objectMode: false });
}
