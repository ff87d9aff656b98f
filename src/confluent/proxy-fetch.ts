/**
 * The fetch of one base URL: Node's own, or — when HTTPS_PROXY/HTTP_PROXY names a proxy for that URL and NO_PROXY
 * does not exempt it (`config/proxy.ts`) — the npm `undici` package's fetch with a ProxyAgent (CONNECT tunnels).
 * Its own Request class goes with it: Node 20's bundled undici and the npm one do not accept each other's
 * Request objects or dispatchers, so the two are never mixed.
 */
import { ProxyAgent, Request as UndiciRequest, fetch as undiciFetch } from 'undici';
import { type ProxyConfig, proxyForUrl } from '../config/proxy.js';

export interface FetchSetup {
  fetch: typeof fetch;
  /** The Request class openapi-fetch must build requests with; undefined for the global one. */
  Request?: typeof Request;
}

export function createFetchFor(baseUrl: string, proxy: ProxyConfig | undefined): FetchSetup {
  const proxyUrl = proxyForUrl(baseUrl, proxy);
  if (!proxyUrl) return { fetch };
  const dispatcher = new ProxyAgent(proxyUrl);
  const viaProxy = (input: unknown, init?: unknown) =>
    undiciFetch(input as UndiciRequest, { ...(init as object), dispatcher });
  return {
    fetch: viaProxy as unknown as typeof fetch,
    Request: UndiciRequest as unknown as typeof Request,
  };
}
