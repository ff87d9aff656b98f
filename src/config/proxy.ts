/**
 * The forward proxy, as the environment conventionally names it: `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (the
 * lower-case spellings win, as in curl, undici and proxy-from-env). The Confluent client and the S3 client both
 * ask `proxyForUrl` for their fixed base URLs, so both follow one reading of NO_PROXY — Go's, the Prometheus
 * ecosystem's (golang.org/x/net/http/httpproxy): `*`, a host name (and its subdomains), `.domain` (subdomains
 * only), an IP address or a CIDR range, each optionally with `:port`; commas or spaces between entries.
 */
import { BlockList, isIP } from 'node:net';
import { anyText } from './fields.js';
import { field } from './part.js';

export interface ProxyConfig {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy: string;
}

/** An http(s) proxy URL, which may carry `user:password@` (never repeated in a message). */
function proxyUrl() {
  return field((text, name, problems) => {
    const v = text?.trim() ?? '';
    if (v === '') return undefined;
    let u: URL | undefined;
    try {
      u = new URL(v);
    } catch {
      u = undefined;
    }
    if (u?.protocol !== 'http:' && u?.protocol !== 'https:') {
      problems.push(`${name} must be an http(s) URL such as http://proxy.example:3128`);
      return undefined;
    }
    return v;
  });
}

/** The fields both network parts (confluent, store) declare. */
export const PROXY_FIELDS = {
  HTTPS_PROXY: proxyUrl(),
  https_proxy: proxyUrl(),
  HTTP_PROXY: proxyUrl(),
  http_proxy: proxyUrl(),
  NO_PROXY: anyText(),
  no_proxy: anyText(),
};

type ProxyValues = {
  HTTPS_PROXY: string | undefined;
  https_proxy: string | undefined;
  HTTP_PROXY: string | undefined;
  http_proxy: string | undefined;
  NO_PROXY: string;
  no_proxy: string;
};

/** The proxy settings, or undefined when no proxy is set (the clients then connect directly). */
export function proxyFromValues(v: ProxyValues): ProxyConfig | undefined {
  const httpsProxy = v.https_proxy ?? v.HTTPS_PROXY;
  const httpProxy = v.http_proxy ?? v.HTTP_PROXY;
  if (httpsProxy === undefined && httpProxy === undefined) return undefined;
  return {
    ...(httpsProxy ? { httpsProxy } : {}),
    ...(httpProxy ? { httpProxy } : {}),
    noProxy: (v.no_proxy || v.NO_PROXY).trim(),
  };
}

/** The proxy to reach `target` through, or undefined to connect directly. */
export function proxyForUrl(target: string, proxy: ProxyConfig | undefined): string | undefined {
  if (!proxy) return undefined;
  const url = new URL(target);
  const chosen = url.protocol === 'https:' ? proxy.httpsProxy : proxy.httpProxy;
  if (!chosen) return undefined;
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return isNoProxy(host, port, proxy.noProxy) ? undefined : chosen;
}

function isNoProxy(host: string, port: number, noProxy: string): boolean {
  return noProxy
    .split(/[\s,]+/)
    .filter((e) => e !== '')
    .some((entry) => entryMatches(entry.toLowerCase(), host, port));
}

function entryMatches(entry: string, host: string, port: number): boolean {
  if (entry === '*') return true;
  if (entry.includes('/')) return inCidr(entry, host);
  const m = /^(\[[^\]]+\]|[^:]+|[0-9a-f:]+)(?::(\d+))?$/.exec(entry);
  if (!m?.[1]) return false;
  if (m[2] && Number(m[2]) !== port) return false;
  const name = m[1].replace(/^\[(.*)\]$/, '$1').replace(/^\*\./, '.');
  if (name.startsWith('.')) return host.endsWith(name);
  return host === name || (isIP(host) === 0 && host.endsWith(`.${name}`));
}

function inCidr(entry: string, host: string): boolean {
  const [base, bits] = entry.split('/');
  const family = isIP(base ?? '');
  if (family === 0 || isIP(host) !== family) return false;
  const list = new BlockList();
  try {
    list.addSubnet(base as string, Number(bits), family === 4 ? 'ipv4' : 'ipv6');
  } catch {
    return false;
  }
  return list.check(host, family === 4 ? 'ipv4' : 'ipv6');
}
