/**
 * The `confluent` config part: the Cloud API key (or its `_FILE`s), the API base URLs, timeouts, concurrency,
 * retries and the forward proxy.
 */
import { httpUrl, requiredText, wholeNumber } from '../config/fields.js';
import { defineConfigPart } from '../config/part.js';
import { PROXY_FIELDS, type ProxyConfig, proxyFromValues } from '../config/proxy.js';

export interface ConfluentConfig {
  apiKey: string;
  apiSecret: string;
  apiUrl: string;
  telemetryUrl: string;
  timeoutMs: number;
  concurrency: number;
  retries: number;
  /** HTTPS_PROXY / HTTP_PROXY / NO_PROXY; absent when no proxy is set. */
  proxy?: ProxyConfig;
}

export const confluentPart = defineConfigPart(
  {
    CONFLUENT_API_KEY: requiredText('the Cloud API key id'),
    CONFLUENT_API_SECRET: requiredText('the Cloud API key secret'),
    CONFLUENT_API_URL: httpUrl(),
    CONFLUENT_TELEMETRY_URL: httpUrl(),
    SD_API_TIMEOUT_MS: wholeNumber(100, 600_000),
    SD_API_CONCURRENCY: wholeNumber(1, 256),
    SD_API_RETRIES: wholeNumber(0, 20),
    ...PROXY_FIELDS,
  },
  {
    defaults: {
      CONFLUENT_API_URL: 'https://api.confluent.cloud',
      CONFLUENT_TELEMETRY_URL: 'https://api.telemetry.confluent.cloud',
      SD_API_TIMEOUT_MS: '30000',
      SD_API_CONCURRENCY: '8',
      SD_API_RETRIES: '6',
    },
    // the key id is half of the credential: the pair comes from the environment or files, never SD_CONFIG_FILE
    secrets: ['CONFLUENT_API_KEY', 'CONFLUENT_API_SECRET'],
    fromFile: ['CONFLUENT_API_KEY', 'CONFLUENT_API_SECRET'],
    build: (v): ConfluentConfig => {
      const proxy = proxyFromValues(v);
      return {
        apiKey: v.CONFLUENT_API_KEY,
        apiSecret: v.CONFLUENT_API_SECRET,
        apiUrl: v.CONFLUENT_API_URL,
        telemetryUrl: v.CONFLUENT_TELEMETRY_URL,
        timeoutMs: v.SD_API_TIMEOUT_MS,
        concurrency: v.SD_API_CONCURRENCY,
        retries: v.SD_API_RETRIES,
        ...(proxy ? { proxy } : {}),
      };
    },
  },
);
