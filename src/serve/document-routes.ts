/**
 * The SD documents: `GET /discovery?targets=a,b&prefix=p` (the seed API), `GET /sd/<name>.json` (by name),
 * `GET /sd/<name>.info.prom` (its info document, for a Prometheus scrape) and `GET /sd` (the index). Bodies are the
 * stored bytes, from the one `DocumentSet` the request started with.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { combinationKey } from '../bucket/document-name.js';
import { DOCUMENT_NAME_RE } from '../bucket/keys.js';
import { JSON_TYPE } from '../bucket/objects.js';
import { checkPrefix, parseTargetList } from '../render/combination.js';
import type { DocumentCache } from './document-cache.js';
import { type DocumentSet, parseServedFile, type ServedBody } from './document-set.js';
import { HttpError } from './errors.js';
import { acceptsGzip, isNotModified } from './http-cache.js';
import { parseDocumentSelection, parseSelection } from './selection.js';
import { createSelectionCache } from './selection-cache.js';

/** Longer than any target list anybody configures, far shorter than what would cost us work. */
const MAX_PARAM_LENGTH = 4096;

export interface AvailableDocument {
  name: string;
  targets: string[];
  prefix: string;
  path: string;
  discovery: string;
}

export function listAvailable(set: DocumentSet): AvailableDocument[] {
  return [...set.byName.values()]
    .map((d) => ({
      name: d.name,
      targets: d.targets,
      prefix: d.prefix,
      path: `/sd/${d.name}.json`,
      discovery: `/discovery?${new URLSearchParams({ targets: d.targets.join(','), prefix: d.prefix })}`,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function requireSet(documents: DocumentCache): DocumentSet {
  const set = documents.current();
  if (!set) {
    throw new HttpError(
      'not_ready',
      documents.state().lastError ?? 'no documents loaded yet',
      {},
      {
        'retry-after': '5',
      },
    );
  }
  return set;
}

function singleParam(
  value: unknown,
  name: string,
  error: 'invalid_targets' | 'invalid_prefix',
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new HttpError(error, `${name} must be given once`);
  if (value.length > MAX_PARAM_LENGTH)
    throw new HttpError(error, `${name} is longer than ${MAX_PARAM_LENGTH} characters`);
  return value;
}

/** A document or an info document: the stored bytes (or their gzip) with their validators. */
export function sendBody(
  request: FastifyRequest,
  reply: FastifyReply,
  doc: ServedBody,
  contentType: string = JSON_TYPE,
) {
  const gzip = doc.gzip !== undefined && acceptsGzip(request.headers['accept-encoding']);
  const etag = gzip ? doc.gzipEtag : doc.etag;
  reply
    .header('content-type', contentType)
    .header('etag', etag)
    .header('last-modified', doc.lastModified)
    .header('cache-control', 'no-cache')
    .header('vary', 'Accept-Encoding');
  if (isNotModified(request, [doc.etag, doc.gzipEtag], doc.lastModifiedMs)) return reply.code(304).send();
  if (gzip) reply.header('content-encoding', 'gzip');
  return reply.send(gzip ? doc.gzip : doc.body);
}

export function registerDocumentRoutes(app: FastifyInstance, documents: DocumentCache): void {
  const selections = createSelectionCache();
  app.get('/discovery', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const targetsText = singleParam(query.targets, 'targets', 'invalid_targets');
    const prefix = singleParam(query.prefix, 'prefix', 'invalid_prefix') ?? '';
    if (targetsText === undefined || targetsText.trim() === '') {
      throw new HttpError(
        'invalid_targets',
        'targets is required, e.g. ?targets=api.telemetry.confluent.cloud',
      );
    }
    const { targets, problems } = parseTargetList(targetsText);
    if (problems.length > 0) throw new HttpError('invalid_targets', problems.join('; '));
    const prefixProblem = checkPrefix(prefix);
    if (prefixProblem) throw new HttpError('invalid_prefix', prefixProblem);
    const selection = parseSelection(query);
    const set = requireSet(documents);
    const name = set.byCombination.get(combinationKey({ targets, prefix }));
    const doc = name === undefined ? undefined : set.byName.get(name);
    if (!doc) {
      const available = listAvailable(set);
      throw new HttpError(
        'not_found',
        `no document was rendered for targets=${targets.join(',')} prefix="${prefix}"; available: ${available
          .map((a) => `targets=${a.targets.join(',')} prefix="${a.prefix}"`)
          .join(', ')}`,
        { available },
      );
    }
    if (selection) return sendBody(request, reply, await selections.get(set, doc, selection));
    return sendBody(request, reply, doc);
  });

  app.get('/sd/:file', async (request, reply) => {
    const { file } = request.params as { file: string };
    const served = parseServedFile(file);
    const info = served?.info ?? false;
    const name = served?.name ?? '';
    // `?env=…` as on /discovery; any other parameter is a 400, never silently the whole document
    const selection = parseDocumentSelection(request.query as Record<string, unknown>, info);
    const set = requireSet(documents);
    const doc = DOCUMENT_NAME_RE.test(name) ? set.byName.get(name) : undefined;
    // a document of a snapshot written before info documents existed has no info route
    const body = info ? doc?.info : doc;
    if (!body) {
      const what = info ? 'no such info document' : 'no such document';
      throw new HttpError('not_found', what, { available: listAvailable(set) });
    }
    if (selection && doc && !info) return sendBody(request, reply, await selections.get(set, doc, selection));
    return sendBody(request, reply, body, served?.type);
  });

  const index = async () => {
    const set = requireSet(documents);
    return { runId: set.manifest.runId, createdAt: set.manifest.createdAt, documents: listAvailable(set) };
  };
  app.get('/sd', index);
  app.get('/sd/', index);
}
