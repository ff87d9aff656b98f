/** Low-level I/O of the simulator's node:http server: sending replies, reading admin bodies, abortable waits. */
import type http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorsReply, type Reply, type SimRequest, SimRequestError } from './reply.js';

const MAX_BODY_BYTES = 1_000_000;

export function sendReply(
  res: http.ServerResponse,
  method: string,
  reply: Reply,
  headers: Record<string, string | string[]>,
): void {
  if (res.destroyed || res.writableEnded) return;
  res.statusCode = reply.status;
  for (const [name, value] of Object.entries({ ...headers, ...reply.headers })) res.setHeader(name, value);
  res.setHeader('Content-Type', reply.contentType);
  res.setHeader('Content-Length', Buffer.byteLength(reply.body));
  res.end(method === 'HEAD' ? undefined : reply.body);
}

/** The parsed JSON body, or undefined when there is none. */
export async function readJsonBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  // No encoding is set on the request, so it yields Buffers.
  for await (const chunk of req) {
    const bytes: Buffer = chunk;
    size += bytes.length;
    if (size > MAX_BODY_BYTES) throw new SimRequestError(413, 'invalid_request', 'the body is too large');
    chunks.push(bytes);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new SimRequestError(400, 'invalid_request', 'the body is not valid JSON');
  }
}

/** Reads the JSON body of a POST (the Metrics API's query) into `sim.body`; the 400 to answer when it is bad. */
export async function readApiBody(req: http.IncomingMessage, sim: SimRequest): Promise<Reply | undefined> {
  if (sim.method !== 'POST') return undefined;
  try {
    sim.body = await readJsonBody(req);
    return undefined;
  } catch (err) {
    if (!(err instanceof SimRequestError)) throw err;
    return errorsReply(err.status, err.code, err.message);
  }
}

/** Waits `ms`; false when the wait was cut short by `signal`. */
export async function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
