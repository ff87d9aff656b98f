/**
 * The document hot path in front of fastify: `GET`/`HEAD /sd/<name>.json` and `/sd/<name>.info.prom` with a valid
 * token (or SD_AUTH=off) and within the rate limit are answered here, from headers and bodies built once per
 * document and encoding (identity, gzip) when a document set is switched in; per request only the token check,
 * the lookup, the rate-limit count and `If-None-Match`/`If-Modified-Since` remain. Everything else — a 401, a 404,
 * a 429, a missing Host, a request with a body or a query string, no set loaded yet, the app closing — goes to
 * fastify's handler unchanged, which answers it exactly as before. The wrapper takes and returns a Node request
 * handler, so any server (`http.createServer`, TLS) can be built around it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DocumentCache } from './document-cache.js';
import { parseServedFile, type ServedBody } from './document-set.js';
import { acceptsGzip, isNotModified } from './http-cache.js';
import type { RateWindow } from './rate-window.js';
import type { TokenSource } from './tokens.js';

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface FastPathDeps {
  documents: DocumentCache;
  tokens: TokenSource;
  auth: 'on' | 'off';
  /** The rate limit's windows, shared with fastify's plugin; undefined when the limit is off. */
  rateWindow?: RateWindow;
  /** Counts the answer in the request metrics and the access log, as fastify's onResponse hook does. */
  record: (method: string, route: string, status: number, durationMs: number) => void;
  /** True once the app is closing: answers then carry `Connection: close`, which fastify's hook adds. */
  isClosing: () => boolean;
}

/** One variant's answers, headers as flat [name, value, …] lists for `writeHead`. */
interface Variant {
  ok: string[];
  notModified: string[];
  /** fastify's HEAD answers a 304 with `content-length: 0` */
  headNotModified: string[];
  body: Buffer;
}

interface Prebuilt {
  identity: Variant;
  gzip?: Variant;
  etags: string[];
}

const ROUTE = '/sd/:file';
const PREFIX = '/sd/';

function variantOf(doc: ServedBody, contentType: string, gzip: boolean): Variant {
  const body = gzip && doc.gzip ? doc.gzip : doc.body;
  const common = [
    'content-type',
    contentType,
    'etag',
    gzip ? doc.gzipEtag : doc.etag,
    'last-modified',
    doc.lastModified,
    'cache-control',
    'no-cache',
    'vary',
    'Accept-Encoding',
  ];
  const ok = [
    ...common,
    ...(gzip ? ['content-encoding', 'gzip'] : []),
    'content-length',
    String(body.length),
  ];
  return { ok, notModified: common, headNotModified: [...common, 'content-length', '0'], body };
}

/** Built on the first request after a switch and kept as long as the body (a WeakMap of the set's objects). */
const prebuilt = new WeakMap<ServedBody, Prebuilt>();

function prebuiltOf(doc: ServedBody, contentType: string): Prebuilt {
  let p = prebuilt.get(doc);
  if (!p) {
    p = {
      identity: variantOf(doc, contentType, false),
      ...(doc.gzip ? { gzip: variantOf(doc, contentType, true) } : {}),
      etags: [doc.etag, doc.gzipEtag],
    };
    prebuilt.set(doc, p);
  }
  return p;
}

/** `Accept-Encoding` values seen, parsed once each: a scraper sends the same one every time. */
const gzipByHeader = new Map<string, boolean>();

function wantsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let v = gzipByHeader.get(header);
  if (v === undefined) {
    v = acceptsGzip(header);
    if (gzipByHeader.size >= 256) gzipByHeader.clear();
    gzipByHeader.set(header, v);
  }
  return v;
}

/** The document `url` names in the current set, or undefined when fastify should answer. */
function lookup(documents: DocumentCache, url: string): { body: ServedBody; type: string } | undefined {
  const set = documents.current();
  if (!set) return undefined;
  const served = parseServedFile(url.slice(PREFIX.length));
  if (!served) return undefined;
  const doc = set.byName.get(served.name);
  const body = served.info ? doc?.info : doc;
  return body ? { body, type: served.type } : undefined;
}

/** Answers `req` when it is a document request the fast path may answer; false to leave it to fastify. */
function answer(deps: FastPathDeps, req: IncomingMessage, res: ServerResponse): boolean {
  const started = performance.now();
  const { method, url, headers } = req;
  if ((method !== 'GET' && method !== 'HEAD') || url === undefined || !url.startsWith(PREFIX)) return false;
  if (headers['content-length'] !== undefined || headers['transfer-encoding'] !== undefined) return false;
  if (req.httpVersion === '1.1' && headers.host === undefined) return false;
  if (deps.isClosing()) return false;
  const found = lookup(deps.documents, url);
  if (!found) return false;
  if (deps.auth === 'on' && !deps.tokens.isAuthorized(headers.authorization, req.socket)) return false;
  let limitHeaders: string[] | undefined;
  if (deps.rateWindow) {
    const count = deps.rateWindow.take(req.socket.remoteAddress ?? '');
    // over the limit: fastify counts it again and answers the 429
    if (count.current > deps.rateWindow.max) return false;
    limitHeaders = deps.rateWindow.headersOf(count);
  }
  const p = prebuiltOf(found.body, found.type);
  const variant = p.gzip && wantsGzip(headers['accept-encoding']) ? p.gzip : p.identity;
  const notModified = isNotModified(req, p.etags, found.body.lastModifiedMs);
  const status = notModified ? 304 : 200;
  const head = method === 'HEAD';
  const list = notModified ? (head ? variant.headNotModified : variant.notModified) : variant.ok;
  res.writeHead(status, limitHeaders ? [...limitHeaders, ...list] : list);
  if (notModified || head) res.end();
  else res.end(variant.body);
  deps.record(method, ROUTE, status, Math.round((performance.now() - started) * 1000) / 1000);
  return true;
}

/** `handler` (fastify's) behind the document fast path. */
export function withFastPath(handler: NodeHandler, deps: FastPathDeps): NodeHandler {
  return (req, res) => {
    if (!answer(deps, req, res)) handler(req, res);
  };
}
