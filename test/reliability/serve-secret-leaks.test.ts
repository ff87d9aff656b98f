/**
 * The leak scan's server half (issue 16.2): `confluent-sd serve` runs as a child process at every log level, one
 * process and two workers, with its bearer token from a file, and is sent what a careless or hostile client sends —
 * the right token, a wrong token that shares most of it, the token as basic auth, in the query string and in a
 * custom header, on documents, on 401s, 404s, 405s and on `/discovery`. Afterwards no form of the token (raw,
 * URL-encoded, base64) may appear on stdout, stderr (the log, access log lines included) or in `/metrics`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { publishCommand } from '../../src/publish/command.js';
import { startSimulator } from '../../src/simulator/server.js';
import { eventually, findFreePort } from '../helpers/poll.js';
import { startCliChild } from '../helpers/publish-child.js';
import { runCommand } from '../helpers/run-command.js';

const TOKEN = 'srv/Token+Value=7&bearer~x42';
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error'];

function tokenForms(): [string, string][] {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  return [
    ['token', TOKEN],
    ['token URL-encoded', encodeURIComponent(TOKEN)],
    ['token base64', b64(TOKEN)],
    ['token JSON-escaped', JSON.stringify(TOKEN).slice(1, -1)],
    ['base64 of user:token', b64(`user:${TOKEN}`)],
  ];
}

/** Requests a client may send, each carrying the token somewhere. */
function requests(base: string, doc: string): [string, RequestInit][] {
  const bearer = { authorization: `Bearer ${TOKEN}` };
  const q = encodeURIComponent(TOKEN);
  return [
    [`${base}/sd/${doc}.json`, { headers: bearer }],
    [`${base}/sd/${doc}.json?token=${q}`, { headers: bearer }],
    [`${base}/sd/${doc}.json`, { headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}y` } }],
    [
      `${base}/sd/${doc}.json`,
      { headers: { authorization: `Basic ${Buffer.from(`user:${TOKEN}`).toString('base64')}` } },
    ],
    [`${base}/sd/missing-${q}.json`, { headers: bearer }],
    [`${base}/discovery?targets=${q}&prefix=${q}`, { headers: bearer }],
    [`${base}/discovery?targets=127.0.0.1&env=${q}`, { headers: bearer }],
    [`${base}/latest/${q}.json`, { headers: { 'x-api-token': TOKEN } }],
    [`${base}/status.json`, { method: 'POST', headers: bearer, body: TOKEN }],
    [`${base}/ready?token=${q}`, { headers: bearer }],
    [`${base}/nothing/${q}`, { headers: { cookie: `session=${TOKEN}` } }],
  ];
}

test('no form of the bearer token reaches the server output or /metrics, at any level, one process or two workers', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-serve-leaks-'));
  const sim = await startSimulator({ seed: 5, port: 0, environments: 2 });
  try {
    const store = path.join(dir, 'bucket');
    const published = await runCommand(publishCommand, [], {
      CONFLUENT_API_KEY: 'sim-key',
      CONFLUENT_API_SECRET: 'sim-secret',
      CONFLUENT_API_URL: sim.url,
      CONFLUENT_TELEMETRY_URL: sim.url,
      SD_STORE: `file:${store}`,
      SD_TARGETS: '127.0.0.1',
      SD_PREFIXES: 'confluent_',
    });
    assert.is(published.code, 0, published.stderr);
    const doc = 'confluent--127.0.0.1';
    const tokenFile = path.join(dir, 'token');
    await writeFile(tokenFile, `${TOKEN}\n`);
    const leaks: string[] = [];
    for (const workers of ['1', '2']) {
      for (const level of LEVELS) {
        const port = await findFreePort();
        const base = `http://127.0.0.1:${port}`;
        const started = startCliChild(['serve'], {
          env: {
            SD_STORE: `file:${store}`,
            SD_LISTEN: `127.0.0.1:${port}`,
            SD_BEARER_TOKEN_FILE: tokenFile,
            SD_WORKERS: workers,
            LOG_LEVEL: level,
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          },
          timeoutMs: 60_000,
        });
        let metrics = '';
        try {
          await eventually(async () => assert.is((await fetch(`${base}/ready`)).status, 200), {
            timeoutMs: 20_000,
            intervalMs: 100,
          });
          for (const [url, init] of requests(base, doc)) await (await fetch(url, init)).arrayBuffer();
          metrics = await (await fetch(`${base}/metrics`)).text();
        } finally {
          started.child.kill('SIGTERM');
        }
        const run = await started.done;
        for (const [name, text] of [
          ['stdout', run.stdout],
          ['stderr', run.stderr],
          ['/metrics', metrics],
        ] as const) {
          for (const [form, value] of tokenForms()) {
            if (!text.includes(value)) continue;
            const line = text.split('\n').find((l) => l.includes(value)) ?? '';
            leaks.push(`workers ${workers}, ${level}: ${form} in ${name}: ${line.slice(0, 200)}`);
          }
        }
        if (level === 'trace')
          assert.ok(run.stderr.includes('"msg":"request"'), 'the access log ran at trace');
      }
    }
    assert.equal(leaks, []);
  } finally {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
