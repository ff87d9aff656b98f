/**
 * A real HTTP server on 127.0.0.1:0 that answers from a handler and records every request, for testing
 * HTTP clients without module mocks. `close()` also drops keep-alive and hanging connections.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path without the query, e.g. `/cmk/v2/clusters`. */
  path: string;
  /** Every query parameter; repeated ones keep all values. */
  query: Record<string, string[]>;
  headers: IncomingHttpHeaders;
  /** The request body as text ("" when none); complete when the handler runs. */
  body: string;
  /** Arrival time (Date.now()). */
  at: number;
  /** Set when the client closed the connection before the answer was complete (it gave up). */
  abandoned: boolean;
}

export interface ScriptedReply {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent as is (e.g. broken JSON); anything else as JSON. */
  body?: unknown;
  /** Never answer (the client must time out). */
  hang?: boolean;
  /** Send the status and headers, then `drip.first`, then one byte of `drip.byte` every `drip.everyMs`, forever. */
  drip?: { first: string; byte: string; everyMs: number };
}

/** `index` counts the requests to the same path, from 0. */
export type ScriptHandler = (req: RecordedRequest, index: number) => ScriptedReply | Promise<ScriptedReply>;

export interface ScriptedServer {
  url: string;
  requests: RecordedRequest[];
  /** Requests to one path, in arrival order. */
  requestsTo(path: string): RecordedRequest[];
  close(): Promise<void>;
}

export async function startScriptedServer(handler: ScriptHandler): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query: Record<string, string[]> = {};
    for (const [k, v] of url.searchParams) query[k] = [...(query[k] ?? []), v];
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query,
      headers: req.headers,
      body: '',
      at: Date.now(),
      abandoned: false,
    };
    res.on('close', () => {
      if (!res.writableFinished) recorded.abandoned = true;
    });
    const index = requests.filter((r) => r.path === recorded.path).length;
    requests.push(recorded);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      recorded.body = Buffer.concat(chunks).toString('utf8');
      Promise.resolve(handler(recorded, index)).then(
        (reply) => send(res, reply),
        (err: unknown) => send(res, { status: 599, body: { error: String(err) } }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (path) => requests.filter((r) => r.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, reply: ScriptedReply): void {
  if (reply.hang) return;
  if (reply.drip) {
    drip(res, reply, reply.drip);
    return;
  }
  const text =
    typeof reply.body === 'string' ? reply.body : reply.body === undefined ? '' : JSON.stringify(reply.body);
  res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
  res.end(text);
}

function drip(res: ServerResponse, reply: ScriptedReply, d: NonNullable<ScriptedReply['drip']>): void {
  res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
  res.write(d.first);
  const timer = setInterval(() => res.write(d.byte), d.everyMs);
  res.on('close', () => clearInterval(timer));
}

/** A Confluent list page: `{api_version, kind, metadata: {next}, data}`. */
export function listPage(data: unknown[], next?: string | null): Record<string, unknown> {
  return { api_version: 'test/v1', kind: 'TestList', metadata: next === undefined ? {} : { next }, data };
}
