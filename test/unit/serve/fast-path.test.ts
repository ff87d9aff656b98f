/**
 * The document fast path (src/serve/fast-path.ts) answers exactly what fastify answers: the same requests sent over
 * loopback to two apps over the same published run, one with the fast path and one without, get the same status,
 * the same headers (but `date`), the same bytes, and are counted the same in the metrics. And the fast path does
 * answer them: in front of a handler that answers nothing itself, a valid document request never reaches it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { withFastPath } from '../../../src/serve/fast-path.js';
import {
  AUTH,
  createServeFixture,
  publishInfoRun,
  type ServeFixture,
  TOKEN,
} from '../../helpers/serve-app.js';

const TARGET = 'api.telemetry.confluent.cloud';
const COMBINATIONS = [
  { targets: [TARGET], prefix: '' },
  { targets: [TARGET], prefix: 'confluent_' },
];
const RUN = '20260101T120000Z';
const DOC = '/sd/noprefix--api.telemetry.confluent.cloud.json';
const INFO = '/sd/noprefix--api.telemetry.confluent.cloud.info.prom';

interface Answer {
  status: number;
  headers: string[];
  body: Buffer;
}

function send(port: number, method: string, path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const pairs: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const name = res.rawHeaders[i]!.toLowerCase();
          if (name !== 'date') pairs.push(`${name}: ${res.rawHeaders[i + 1]}`);
        }
        resolve({ status: res.statusCode ?? 0, headers: pairs.sort(), body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

interface Pair {
  fast: ServeFixture;
  slow: ServeFixture;
  ports: [number, number];
}

async function startPair(rateLimitPerMinute = 0): Promise<Pair> {
  const fast = await createServeFixture({ config: { rateLimitPerMinute } });
  const slow = await createServeFixture({ config: { rateLimitPerMinute }, fastPath: false });
  for (const f of [fast, slow]) {
    await publishInfoRun(f.writer, { runId: RUN, combinations: COMBINATIONS, groups: 200 });
    assert.is(await f.documents.reload(), 'loaded');
    await f.app.listen({ host: '127.0.0.1', port: 0 });
  }
  const port = (f: ServeFixture) => (f.app.server.address() as AddressInfo).port;
  return { fast, slow, ports: [port(fast), port(slow)] };
}

async function closePair(p: Pair): Promise<void> {
  await p.fast.close();
  await p.slow.close();
}

/** The same request to both apps: [fast path, fastify only]. */
async function sendBoth(p: Pair, method: string, path: string, headers: Record<string, string>) {
  const [port0, port1] = p.ports;
  return Promise.all([send(port0, method, path, headers), send(port1, method, path, headers)]);
}

/** The request metrics' lines of an app. */
async function requestCounts(port: number): Promise<string[]> {
  const text = (await send(port, 'GET', '/metrics', {})).body.toString('utf8');
  return text.split('\n').filter((l) => l.startsWith('confluent_sd_http_requests_total{'));
}

const t = suite('document fast path answers as fastify does');

t('every document request: status, headers, bytes, metrics', async () => {
  const p = await startPair();
  try {
    const [first] = await sendBoth(p, 'GET', DOC, AUTH);
    const tag = first.headers.find((h) => h.startsWith('etag: '))!.slice('etag: '.length);
    const gzip = { ...AUTH, 'accept-encoding': 'gzip' };
    const cases: [string, string, string, Record<string, string>][] = [
      ['plain', 'GET', DOC, AUTH],
      ['gzip', 'GET', DOC, gzip],
      ['gzip;q=0', 'GET', DOC, { ...AUTH, 'accept-encoding': 'gzip;q=0, br' }],
      ['HEAD', 'HEAD', DOC, AUTH],
      ['HEAD gzip', 'HEAD', DOC, gzip],
      ['If-None-Match', 'GET', DOC, { ...AUTH, 'if-none-match': tag }],
      ['If-None-Match, gzip client', 'GET', DOC, { ...gzip, 'if-none-match': tag }],
      ['If-None-Match other', 'GET', DOC, { ...AUTH, 'if-none-match': '"0123"' }],
      ['If-Modified-Since', 'GET', DOC, { ...AUTH, 'if-modified-since': 'Thu, 01 Jan 2026 12:00:00 GMT' }],
      [
        'If-Modified-Since older',
        'GET',
        DOC,
        { ...AUTH, 'if-modified-since': 'Thu, 01 Jan 2026 11:00:00 GMT' },
      ],
      ['HEAD If-None-Match', 'HEAD', DOC, { ...AUTH, 'if-none-match': tag }],
      ['Range (ignored)', 'GET', DOC, { ...AUTH, range: 'bytes=0-9' }],
      ['bare token (Prometheus < 2.48)', 'GET', DOC, { authorization: TOKEN }],
      ['info document', 'GET', INFO, AUTH],
      ['info document gzip', 'GET', INFO, gzip],
      ['no token', 'GET', DOC, {}],
      ['wrong token', 'GET', DOC, { authorization: 'Bearer wrong-token-0123456789abcdef' }],
      ['unknown document', 'GET', '/sd/nope.json', AUTH],
      ['no suffix', 'GET', '/sd/noprefix--api.telemetry.confluent.cloud', AUTH],
      ['query string', 'GET', `${DOC}?x=1`, AUTH],
      ['percent-encoded name', 'GET', '/sd/noprefix%2D%2Dapi.telemetry.confluent.cloud.json', AUTH],
      ['POST', 'POST', DOC, AUTH],
    ];
    for (const [name, method, path, headers] of cases) {
      const [fast, slow] = await sendBoth(p, method, path, headers);
      assert.is(fast.status, slow.status, name);
      assert.equal(fast.headers, slow.headers, name);
      assert.ok(fast.body.equals(slow.body), `${name}: body`);
    }
    assert.equal(await requestCounts(p.ports[0]), await requestCounts(p.ports[1]));
  } finally {
    await closePair(p);
  }
});

t('the rate limit counts fast answers and fastify answers in one window', async () => {
  const p = await startPair(4);
  try {
    const sequence: [string, Record<string, string>][] = [
      [DOC, AUTH],
      ['/sd/nope.json', AUTH],
      [DOC, AUTH],
      [DOC, {}],
      [DOC, AUTH],
      [DOC, AUTH],
    ];
    const statuses: number[] = [];
    for (const [path, headers] of sequence) {
      const [fast, slow] = await sendBoth(p, 'GET', path, headers);
      assert.is(fast.status, slow.status, path);
      const limits = (a: Answer) =>
        a.headers.filter((h) => h.startsWith('x-ratelimit-') && !h.startsWith('x-ratelimit-reset'));
      assert.equal(limits(fast), limits(slow), path);
      statuses.push(fast.status);
    }
    assert.equal(statuses, [200, 404, 200, 401, 429, 429]);
  } finally {
    await closePair(p);
  }
});

t(
  'a valid document request is answered by the fast path; any other reaches the handler behind it',
  async () => {
    const f = await createServeFixture();
    const reached: string[] = [];
    const server = http.createServer(
      withFastPath(
        (req, res) => {
          reached.push(req.url ?? '');
          res.writeHead(418).end();
        },
        {
          documents: f.documents,
          tokens: f.tokens,
          auth: 'on',
          record: () => undefined,
          isClosing: () => false,
        },
      ),
    );
    try {
      await publishInfoRun(f.writer, { runId: RUN, combinations: COMBINATIONS, groups: 3 });
      assert.is(await f.documents.reload(), 'loaded');
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      assert.is((await send(port, 'GET', DOC, AUTH)).status, 200);
      assert.is((await send(port, 'HEAD', INFO, AUTH)).status, 200);
      assert.is((await send(port, 'GET', DOC, {})).status, 418);
      assert.is((await send(port, 'GET', `${DOC}?env=env-1`, AUTH)).status, 418);
      assert.equal(reached, [DOC, `${DOC}?env=env-1`]);
    } finally {
      server.close();
      await f.close();
    }
  },
);

t.run();
