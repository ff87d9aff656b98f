/**
 * The server under generated bad input, over a real loopback socket: at least 2,000 requests with a missing or
 * wrong bearer token (huge, unicode, other schemes), bad /discovery query strings (repeated, unicode, very long,
 * broken percent-encoding, noise parameters), traversal and odd paths, and wrong methods. Every answer must be a
 * 4xx with the JSON error body `{"error","message","code"}`; no 5xx, no dropped connection, no error logged, and
 * no token — the valid one or a wrong one — in the log.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { documentName } from '../../src/bucket/document-name.js';
import { KEYS } from '../../src/bucket/keys.js';
import { createRandom, type Random } from '../../src/simulator/random.js';
import { publishFakeRun } from '../helpers/bucket.js';
import { printTable } from '../helpers/reliability.js';
import { createServeFixture, TOKEN } from '../helpers/serve-app.js';

const SEED = 20260101;
const REQUESTS = 2_400;
const RUN_ID = '20260101T120000Z';
const COMBINATION = { targets: ['api.telemetry.confluent.cloud'], prefix: 'confluent_' };
const DOC = documentName(COMBINATION);
/** Every wrong token carries this marker, so the log check finds any of them. */
const MARK = 'badtok';
const GOOD = { authorization: `Bearer ${TOKEN}` };

interface BadRequest {
  kind: 'auth' | 'query' | 'path' | 'method';
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const pick = <T>(rand: Random, list: readonly T[]): T => list[rand.int(0, list.length - 1)]!;
const enc = (s: string) => encodeURIComponent(s);

const VALID_PATHS = [
  `/sd/${DOC}.json`,
  '/sd',
  `/discovery?targets=${COMBINATION.targets[0]}&prefix=${COMBINATION.prefix}`,
  `/${KEYS.latestManifest}`,
  `/${KEYS.latestDocument(DOC)}`,
  `/${KEYS.snapshotManifest(RUN_ID)}`,
  '/latest',
  '/snapshots',
  `/${KEYS.status}`,
];

function badAuthorization(rand: Random): Record<string, string> {
  const wrong = `${MARK}-${rand.alnum(rand.int(1, 40))}`;
  const options: (() => Record<string, string>)[] = [
    () => ({}),
    () => ({ authorization: '' }),
    () => ({ authorization: 'Bearer' }),
    () => ({ authorization: 'Bearer ' }),
    () => ({ authorization: `Bearer ${wrong}` }),
    () => ({ authorization: `Bearer ${TOKEN.slice(0, -1)}${MARK}` }),
    () => ({ authorization: `Bearer ${TOKEN}${MARK}` }),
    () => ({ authorization: `Bearer  ${wrong} ${wrong}` }),
    () => ({ authorization: `Basic ${Buffer.from(`${MARK}:${TOKEN}`).toString('base64')}` }),
    () => ({ authorization: `Token ${TOKEN}` }),
    // (a bare token is valid: Prometheus < 2.48 sends it without "Bearer ")
    () => ({ authorization: `${TOKEN.slice(1)}` }),
    () => ({ authorization: `Bearer ${wrong}\u00e9\u00ff` }),
    () => ({ authorization: `Bearer ${wrong}${'x'.repeat(rand.int(1_000, 12_000))}` }),
    () => ({ authorization: `Bearer ${wrong}`, 'x-authorization': `Bearer ${TOKEN}` }),
  ];
  return pick(rand, options)();
}

const NOISE = [
  '&x[y]=1',
  '&__proto__=1',
  '&constructor=prototype',
  '&&&',
  '&%zz=1',
  `&${enc('ключ')}=${enc('значение')}`,
  '&a=%E0%A4%A',
  '&=',
  `&long=${'v'.repeat(2_000)}`,
  '&targets[]=1',
];

function badQuery(rand: Random): string {
  const target = COMBINATION.targets[0]!;
  const primary = pick(rand, [
    '',
    'targets=',
    'prefix=confluent_',
    `targets=${target}&targets=${target}`,
    `targets=${target}&prefix=&prefix=`,
    `targets=${target}&prefix=__x`,
    `targets=${target}&prefix=1abc`,
    `targets=${target}&prefix=a-b`,
    `targets=${target}&prefix=${enc('préfixe')}`,
    `targets=${target}&prefix=%C3%28`,
    `targets=${target}&prefix=${'p'.repeat(rand.int(200, 5_000))}`,
    `targets=${enc('ünïcode.example')}`,
    `targets=${enc('a/b')}`,
    `targets=${enc('http://x.example')}`,
    `targets=${enc('a b')}`,
    'targets=a,,b',
    'targets=a.example,a.example',
    `targets=${'t'.repeat(rand.int(300, 6_000))}`,
    'targets=%00',
    'targets=%zz',
    'targets=other.example:9090&prefix=',
    `targets=${target}&prefix=never_rendered_`,
  ]);
  let query = primary;
  for (let i = rand.int(0, 3); i > 0; i--) query += pick(rand, NOISE);
  return `/discovery?${query}`;
}

function badPath(rand: Random): string {
  return pick(rand, [
    '/latest/../status.json',
    '/latest/%2e%2e/status.json',
    '/latest/%2E%2E/%2E%2E/etc/passwd',
    '/snapshots/..%2f..%2fetc%2fpasswd',
    '/snapshots/%2e%2e/%2e%2e/etc/passwd',
    `/snapshots/${RUN_ID}/../../status.json`,
    '/sd/..%5c..%5cwindows%5cwin.ini',
    '/latest/%00.json',
    '/latest/manifest.json%00',
    '/sd/%FF.json',
    `/sd/${enc('документ')}.json`,
    '//etc/passwd',
    '/latest//manifest.json',
    '/latest/./manifest.json',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/sd/no-such-document.json',
    `/sd/${DOC}.json/extra`,
    '/snapshots/99999999T999999Z/manifest.json',
    `/latest/${'a'.repeat(rand.int(300, 8_000))}.json`,
    `/${'deep/'.repeat(rand.int(10, 500))}x`,
    '/nope',
    '/sd/.json',
    '/latest/.hidden.tmp-0123456789ab',
  ]);
}

const WRONG_METHODS = ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'MKCOL', 'LOCK'];

function generate(rand: Random, n: number): BadRequest[] {
  const out: BadRequest[] = [];
  for (let i = 0; i < n; i++) {
    const kind = pick(rand, ['auth', 'query', 'path', 'method'] as const);
    if (kind === 'auth') {
      out.push({ kind, method: 'GET', path: pick(rand, VALID_PATHS), headers: badAuthorization(rand) });
    } else if (kind === 'query') {
      out.push({ kind, method: 'GET', path: badQuery(rand), headers: { ...GOOD } });
    } else if (kind === 'path') {
      out.push({ kind, method: 'GET', path: badPath(rand), headers: { ...GOOD } });
    } else {
      const method = pick(rand, WRONG_METHODS);
      const body =
        method === 'POST' || method === 'PUT'
          ? `{"targets":"${'b'.repeat(rand.int(0, 50_000))}"}`
          : undefined;
      out.push({
        kind,
        method,
        path: pick(rand, VALID_PATHS),
        headers: { ...GOOD, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body } : {}),
      });
    }
  }
  return out;
}

interface Answer {
  status: number;
  contentType: string;
  body: string;
  error?: string;
}

function send(port: number, agent: http.Agent | false, r: BadRequest): Promise<Answer> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: r.method, path: r.path, headers: r.headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', (err) => resolve({ status: 0, contentType: '', body: '', error: err.message }));
    req.end(r.body);
  });
}

/** Why an answer is not a 4xx with our JSON error body; undefined when it is. */
function problemOf(a: Answer): string | undefined {
  if (a.error) return `no answer: ${a.error}`;
  if (a.status < 400 || a.status > 499) return `status ${a.status}`;
  if (!a.contentType.startsWith('application/json')) return `content-type ${a.contentType}`;
  try {
    const body = JSON.parse(a.body) as Record<string, unknown>;
    if (typeof body.error !== 'string' || typeof body.message !== 'string' || body.code !== a.status)
      return `body ${a.body.slice(0, 120)}`;
  } catch {
    return `body is not JSON: ${a.body.slice(0, 120)}`;
  }
  return undefined;
}

test(`${REQUESTS} generated bad requests: each a 4xx with the JSON error body, no token logged`, async () => {
  const fixture = await createServeFixture();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  try {
    await publishFakeRun(fixture.writer, { runId: RUN_ID, combinations: [COMBINATION], groups: 20 });
    assert.is(await fixture.documents.reload(), 'loaded');
    await fixture.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = fixture.app.server.address() as AddressInfo;

    const requests = generate(createRandom(SEED), REQUESTS);
    const answers: Answer[] = new Array(requests.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < requests.length) {
          const i = next++;
          answers[i] = await send(port, agent, requests[i]!);
        }
      }),
    );

    interface KindRow {
      n: number;
      statuses: Map<number, number>;
      problems: string[];
    }
    const byKind = new Map<string, KindRow>();
    requests.forEach((r, i) => {
      const row: KindRow = byKind.get(r.kind) ?? { n: 0, statuses: new Map(), problems: [] };
      const a = answers[i]!;
      row.n++;
      row.statuses.set(a.status, (row.statuses.get(a.status) ?? 0) + 1);
      const problem = problemOf(a);
      if (problem)
        row.problems.push(
          `${r.method} ${r.path.slice(0, 80)} ${JSON.stringify(r.headers).slice(0, 80)}: ${problem}`,
        );
      byKind.set(r.kind, row);
    });
    printTable(
      process.stdout,
      `Bad input (${REQUESTS} requests, seed ${SEED}, 16 keep-alive connections):`,
      ['kind', 'requests', 'statuses', 'not a 4xx with the JSON error body'],
      [...byKind].map(([kind, row]) => [
        kind,
        String(row.n),
        [...row.statuses]
          .sort((a, b) => a[0] - b[0])
          .map(([s, n]) => `${s}×${n}`)
          .join(' '),
        String(row.problems.length),
      ]),
    );
    const problems = [...byKind.values()].flatMap((r) => r.problems);
    assert.equal(problems.slice(0, 10), [], `${problems.length} bad answers`);
    for (const kind of ['auth', 'query', 'path', 'method']) assert.ok((byKind.get(kind)?.n ?? 0) > 300, kind);

    // still serving, nothing logged as an error, no token of any kind in the log
    const health = await send(port, agent, { kind: 'path', method: 'GET', path: '/health', headers: {} });
    assert.is(health.status, 200);
    const ok = await send(port, agent, {
      kind: 'path',
      method: 'GET',
      path: `/sd/${DOC}.json`,
      headers: GOOD,
    });
    assert.is(ok.status, 200);
    const logs = fixture.logs();
    assert.ok(logs.filter((l) => l.msg === 'request').length >= REQUESTS);
    assert.equal(
      logs.filter((l) => Number(l.level) >= 50).map((l) => l.msg),
      [],
      'no error-level log line',
    );
    const text = fixture.logText();
    assert.not.ok(text.includes(TOKEN.slice(1)), 'the valid token (or a bare part of it) is not logged');
    assert.not.ok(text.includes(MARK), 'no wrong token is logged');
    assert.not.ok(
      text.includes(Buffer.from(`${MARK}:`).toString('base64').slice(0, 8)),
      'no basic credentials',
    );
  } finally {
    agent.destroy();
    await fixture.close();
  }
});

test('transport-level bad input (oversized headers and URLs, CONNECT): never a 5xx, server keeps serving', async () => {
  const fixture = await createServeFixture();
  try {
    await publishFakeRun(fixture.writer, { runId: RUN_ID, combinations: [COMBINATION], groups: 20 });
    await fixture.documents.reload();
    await fixture.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = fixture.app.server.address() as AddressInfo;
    const cases: [string, BadRequest][] = [
      [
        'Authorization of 20 KB',
        {
          kind: 'auth',
          method: 'GET',
          path: `/sd/${DOC}.json`,
          headers: { authorization: `Bearer ${MARK}${'x'.repeat(20_000)}` },
        },
      ],
      [
        'Authorization of 100 KB',
        {
          kind: 'auth',
          method: 'GET',
          path: `/sd/${DOC}.json`,
          headers: { authorization: `Bearer ${MARK}${'x'.repeat(100_000)}` },
        },
      ],
      [
        'query of 70 KB',
        { kind: 'query', method: 'GET', path: `/discovery?targets=${'a'.repeat(70_000)}`, headers: GOOD },
      ],
      ['CONNECT', { kind: 'method', method: 'CONNECT', path: '127.0.0.1:80', headers: GOOD }],
    ];
    const rows: string[][] = [];
    for (const [name, r] of cases) {
      // a connection of its own: the parser closes it after these
      const a = await send(port, false, r);
      assert.ok(a.status < 500, `${name}: ${a.status}`);
      rows.push([
        name,
        a.error ? `connection closed (${a.error})` : String(a.status),
        a.body.slice(0, 90) || '–',
        problemOf(a) ? 'no (Node/fastify answer)' : 'yes',
      ]);
    }
    printTable(
      process.stdout,
      'Transport-level bad input (answered by Node or fastify before the app):',
      ['request', 'answer', 'body', 'house error body'],
      rows,
    );
    const health = await send(port, false, { kind: 'path', method: 'GET', path: '/health', headers: {} });
    assert.is(health.status, 200);
    assert.not.ok(fixture.logText().includes(MARK));
    assert.not.ok(fixture.logText().includes(TOKEN));
  } finally {
    await fixture.close();
  }
});

test.run();
