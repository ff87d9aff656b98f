/**
 * What Node's own HTTP server can do on this machine, for the serving benchmark (test/bench/serve.ts) to compare
 * with: `http.createServer` answering `GET /sd/<name>.json` from the bytes of `<bucket>/latest/`, plain or gzip,
 * with the response headers built once and the bearer token compared as a string — no metrics, no connection
 * guard, no conditional requests, no document switch. It does less than a real server may, so it is the ceiling
 * for any server on Node's HTTP stack, not a competitor: what separates confluent-sd from it is our work per
 * request, and what separates it from nginx is the platform. Workers as `WORKERS` says (node:cluster).
 *
 *   BUCKET=<dir> PORT=<port> TOKEN=<token> WORKERS=<n> node <it compiled to .mjs> (test/bench/serve.ts does that)
 */
import cluster from 'node:cluster';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const { BUCKET = '', PORT = '0', TOKEN = '', WORKERS = '1' } = process.env;

interface Answer {
  headers: string[];
  body: Buffer;
}

function answers(): Map<string, { plain: Answer; gzip: Answer }> {
  const dir = path.join(BUCKET, 'latest');
  const out = new Map<string, { plain: Answer; gzip: Answer }>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'manifest.json')) {
    const plain = readFileSync(path.join(dir, file));
    const gzip = readFileSync(path.join(dir, `${file}.gz`));
    const common = ['content-type', 'application/json', 'etag', '"e"', 'cache-control', 'no-cache'];
    out.set(`/sd/${file}`, {
      plain: { headers: [...common, 'content-length', String(plain.length)], body: plain },
      gzip: {
        headers: [...common, 'content-encoding', 'gzip', 'content-length', String(gzip.length)],
        body: gzip,
      },
    });
  }
  return out;
}

function serve(): void {
  const byPath = answers();
  const bearer = `Bearer ${TOKEN}`;
  http
    .createServer((req, res) => {
      const found = byPath.get(req.url ?? '');
      if (!found || req.headers.authorization !== bearer) {
        res.writeHead(found ? 401 : 404, ['content-length', '0']).end();
        return;
      }
      const a = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '') ? found.gzip : found.plain;
      res.writeHead(200, a.headers).end(a.body);
    })
    .listen(Number(PORT), '127.0.0.1');
}

if (cluster.isPrimary && Number(WORKERS) > 1) {
  for (let i = 0; i < Number(WORKERS); i++) cluster.fork();
  process.on('SIGTERM', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    process.exit(0);
  });
} else serve();
