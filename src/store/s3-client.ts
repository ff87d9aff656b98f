/**
 * The S3 client the `s3://` store talks through. The SDK makes one attempt per call (`withStoreRetry` is the one
 * retry layer), and checksums are computed only when an operation requires them: MinIO and s3rver mishandle the
 * SDK's default aws-chunked CRC trailers.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { type ProxyConfig, proxyForUrl } from '../config/proxy.js';

export interface S3StoreOptions {
  bucket: string;
  /** Root of every key, without leading or trailing `/`; empty for the bucket's root. */
  prefix: string;
  region: string;
  /** An S3-compatible server such as MinIO (`http://minio:9000`); switches to path-style addressing. */
  endpoint?: string;
  /** Static keys (AWS_ACCESS_KEY_ID… or their _FILEs); otherwise the SDK's default chain (profile, web identity, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** HTTPS_PROXY / HTTP_PROXY / NO_PROXY (`config/proxy.ts`); direct connections when absent. */
  proxy?: ProxyConfig;
  /** An existing client (not destroyed by `close`). */
  client?: S3Client;
}

/** Per-request limits, so a silent server fails an attempt instead of hanging the run. */
const CONNECT_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 60_000;

export function createS3Client(options: Omit<S3StoreOptions, 'client' | 'bucket' | 'prefix'>): S3Client {
  return new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: !!options.endpoint,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: {
      connectionTimeout: CONNECT_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      ...proxyAgents(options),
    },
  });
}

/**
 * One agent that tunnels through the proxy with CONNECT, for http:// endpoints (MinIO) as for https:// ones.
 * The endpoint is fixed per client, so NO_PROXY is decided once; AWS itself is matched as
 * `s3.<region>.amazonaws.com` (NO_PROXY `.amazonaws.com` covers the virtual-hosted bucket names too).
 */
function proxyAgents(options: Pick<S3StoreOptions, 'endpoint' | 'region' | 'proxy'>) {
  const target = options.endpoint ?? `https://s3.${options.region}.amazonaws.com`;
  const proxy = proxyForUrl(target, options.proxy);
  if (!proxy) return {};
  const agent = new HttpsProxyAgent(proxy, { keepAlive: true });
  return { httpAgent: agent, httpsAgent: agent };
}
