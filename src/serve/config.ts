/**
 * The `serve` config part: SD_LISTEN, SD_AUTH and the bearer tokens (SD_BEARER_TOKENS, SD_BEARER_TOKEN_FILE),
 * SD_RATE_LIMIT, SD_RELOAD_INTERVAL_MS, the connection caps (SD_MAX_CONNECTIONS, SD_MAX_CONNECTIONS_PER_CLIENT),
 * SD_MAX_DOCUMENT_BYTES, SD_WORKERS and SD_WEB_CONFIG_FILE (TLS, read by web-config.ts).
 */
import { oneOf, optionalText, wholeNumber } from '../config/fields.js';
import { defineConfigPart, field } from '../config/part.js';

export interface ServeConfig {
  host: string;
  port: number;
  auth: 'on' | 'off';
  bearerTokens: string[];
  bearerTokenFile?: string;
  /** Requests per minute per client IP; 0 turns the limit off. */
  rateLimitPerMinute: number;
  reloadIntervalMs: number;
  /** Connections at most (lowered below the open-file limit by the command). */
  maxConnections: number;
  /** Connections at most from one client address; 0 for no such cap. */
  maxConnectionsPerClient: number;
  /** A document or info document larger than this is not loaded (the reload fails, the previous set stays). */
  maxDocumentBytes: number;
  /** The exporter-toolkit web config file (TLS); plain HTTP without. */
  webConfigFile?: string;
  /** Worker processes (node:cluster) answering requests; `auto`: the CPUs the process may use, at most 2. */
  workers: number | 'auto';
}

/** `host:port`; an empty host (`:8080`, the Prometheus `--web.listen-address` way) is every IPv4 interface. */
export function parseListen(text: string, problems: string[]): { host: string; port: number } {
  const m = /^(.*):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || m[1] === '[]' || port > 65535) {
    problems.push(`SD_LISTEN must be host:port such as 0.0.0.0:8080 or :8080, got "${text}"`);
    return { host: '0.0.0.0', port: 8080 };
  }
  return { host: m[1] === '' ? '0.0.0.0' : (m[1] ?? '').replace(/^\[(.*)\]$/, '$1'), port };
}

function parseWorkers(text: string, problems: string[]): number | 'auto' {
  const t = text.trim();
  if (t === 'auto') return 'auto';
  const n = /^\d{1,2}$/.test(t) ? Number(t) : Number.NaN;
  if (n >= 1 && n <= 64) return n;
  problems.push(`SD_WORKERS must be auto or a whole number from 1 to 64, got "${text}"`);
  return 1;
}

function parseTokens(text: string, problems: string[]): string[] {
  const tokens = text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  if (tokens.some((t) => t.length < 16 || /\s/.test(t)))
    problems.push('SD_BEARER_TOKENS: every token must be at least 16 characters without white space');
  return tokens;
}

export const servePart = defineConfigPart(
  {
    SD_LISTEN: field((text, _name, problems) => parseListen(text ?? '', problems)),
    SD_AUTH: oneOf(['on', 'off']),
    SD_BEARER_TOKENS: field((text, _name, problems) => parseTokens(text ?? '', problems)),
    SD_BEARER_TOKEN_FILE: optionalText(),
    SD_RATE_LIMIT: wholeNumber(0, 10_000_000),
    SD_RELOAD_INTERVAL_MS: wholeNumber(100, 3_600_000),
    SD_MAX_CONNECTIONS: wholeNumber(1, 1_000_000),
    SD_MAX_CONNECTIONS_PER_CLIENT: wholeNumber(0, 1_000_000),
    SD_MAX_DOCUMENT_BYTES: wholeNumber(1024, 1024 * 1024 * 1024),
    SD_WEB_CONFIG_FILE: optionalText(),
    SD_WORKERS: field((text, _name, problems) => parseWorkers(text ?? '', problems)),
  },
  {
    defaults: {
      SD_LISTEN: '0.0.0.0:8080',
      SD_AUTH: 'on',
      SD_RATE_LIMIT: '600',
      SD_RELOAD_INTERVAL_MS: '2000',
      SD_MAX_CONNECTIONS: '1024',
      SD_MAX_CONNECTIONS_PER_CLIENT: '64',
      SD_MAX_DOCUMENT_BYTES: String(64 * 1024 * 1024),
      SD_WORKERS: 'auto',
    },
    secrets: ['SD_BEARER_TOKENS'],
    // the server reads (and re-reads) the token file itself: one token per line, lines trimmed
    secretFiles: { SD_BEARER_TOKENS: 'SD_BEARER_TOKEN_FILE' },
    checks: [
      {
        reads: ['SD_AUTH', 'SD_BEARER_TOKENS', 'SD_BEARER_TOKEN_FILE'],
        check: (v, problems) => {
          // as for every secret and its file (config/secret-files.ts): one source, never both
          if (v.SD_BEARER_TOKENS.length > 0 && v.SD_BEARER_TOKEN_FILE)
            problems.push('SD_BEARER_TOKENS and SD_BEARER_TOKEN_FILE are both set; set one of them');
          else if (v.SD_AUTH === 'on' && v.SD_BEARER_TOKENS.length === 0 && !v.SD_BEARER_TOKEN_FILE)
            problems.push(
              'SD_BEARER_TOKENS or SD_BEARER_TOKEN_FILE is required (or set SD_AUTH=off explicitly)',
            );
        },
      },
    ],
    build: (v): ServeConfig => ({
      host: v.SD_LISTEN.host,
      port: v.SD_LISTEN.port,
      auth: v.SD_AUTH,
      bearerTokens: v.SD_BEARER_TOKENS,
      ...(v.SD_BEARER_TOKEN_FILE ? { bearerTokenFile: v.SD_BEARER_TOKEN_FILE } : {}),
      rateLimitPerMinute: v.SD_RATE_LIMIT,
      reloadIntervalMs: v.SD_RELOAD_INTERVAL_MS,
      maxConnections: v.SD_MAX_CONNECTIONS,
      maxConnectionsPerClient: v.SD_MAX_CONNECTIONS_PER_CLIENT,
      maxDocumentBytes: v.SD_MAX_DOCUMENT_BYTES,
      ...(v.SD_WEB_CONFIG_FILE ? { webConfigFile: v.SD_WEB_CONFIG_FILE } : {}),
      workers: v.SD_WORKERS,
    }),
  },
);
