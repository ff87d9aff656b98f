/**
 * A hostile gateway on 127.0.0.1:0 in front of a real origin (the simulator, s3rver): requests it lets through are
 * forwarded byte for byte (the Host header kept, so S3 signatures still verify); the others are answered with an
 * error that echoes what the client sent — every request header, the basic-auth credentials decoded, and any
 * value the test names — in the status line's body, in a `message`, and in response headers. For the leak scan of
 * issues 14.3 and 16.2.
 */
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EchoReply {
  status: number;
  /** `json` (a Confluent-style error), `xml` (an S3 error document) or `text`. */
  format: 'json' | 'xml' | 'text';
}

/** `index` counts the requests to the same path, from 0; undefined lets the request through to the origin. */
export type EchoPolicy = (req: IncomingMessage, index: number) => EchoReply | undefined;

export interface EchoUpstream {
  url: string;
  /** Requests answered with an echo so far. */
  echoed(): number;
  /** Requests forwarded to the origin so far. */
  forwarded(): number;
  close(): Promise<void>;
}

/** What the gateway echoes: the headers as sent, and the basic-auth pair decoded. */
function echoText(req: IncomingMessage, extra: readonly string[]): string {
  const lines = [`${req.method} ${req.url}`];
  for (let i = 0; i < req.rawHeaders.length; i += 2)
    lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    lines.push(`decoded: ${decoded}`, `key=${decoded.slice(0, colon)} secret=${decoded.slice(colon + 1)}`);
  }
  for (const value of extra) lines.push(`seen: ${value} (${encodeURIComponent(value)})`);
  return lines.join('; ');
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function answerEcho(req: IncomingMessage, res: ServerResponse, reply: EchoReply, extra: readonly string[]) {
  const text = echoText(req, extra);
  // a short head first, so a client that keeps 200 characters of the body still gets the credentials
  const head = `${req.headers.authorization ?? ''} ${extra.join(' ')}`;
  const headers: Record<string, string> = {
    'x-echo-authorization': req.headers.authorization ?? '',
    'x-echo-token': req.headers['x-amz-security-token']?.toString() ?? '',
  };
  let body: string;
  if (reply.format === 'xml') {
    headers['content-type'] = 'application/xml';
    const code = reply.status === 403 ? 'AccessDenied' : 'ServiceUnavailable';
    body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(`${head} ${text}`)}</Message><RequestId>echo</RequestId></Error>`;
  } else if (reply.format === 'json') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify({
      error_code: reply.status,
      message: `${head} ${text}`,
      errors: [{ status: String(reply.status), detail: text }],
    });
  } else {
    headers['content-type'] = 'text/plain';
    body = `${head}\n${text}`;
  }
  res.writeHead(reply.status, headers);
  res.end(body);
}

function forward(req: IncomingMessage, res: ServerResponse, origin: URL): void {
  const out = request(
    { host: origin.hostname, port: origin.port, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  out.on('error', () => res.destroy());
  req.pipe(out);
}

/** Starts the gateway in front of `originUrl`; `secrets` are echoed as well (a gateway that logs what it saw). */
export async function startEchoUpstream(
  originUrl: string,
  policy: EchoPolicy,
  secrets: readonly string[] = [],
): Promise<EchoUpstream> {
  const origin = new URL(originUrl);
  const perPath = new Map<string, number>();
  let echoed = 0;
  let forwarded = 0;
  const server = createServer((req, res) => {
    const key = (req.url ?? '/').split('?')[0] ?? '/';
    const index = perPath.get(key) ?? 0;
    perPath.set(key, index + 1);
    const reply = policy(req, index);
    if (!reply) {
      forwarded++;
      forward(req, res, origin);
      return;
    }
    echoed++;
    // the body is read (and dropped) before the answer, so the client sees an answer and not a reset
    req.resume();
    req.on('end', () => answerEcho(req, res, reply, secrets));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    echoed: () => echoed,
    forwarded: () => forwarded,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
