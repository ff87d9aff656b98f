/**
 * The `confluent` config part: the Cloud API key (or its `_FILE`s, or one per organisation from `organizations:`),
 * the API base URLs, timeouts, concurrency, retries and the forward proxy.
 */
import { httpUrl, optionalText, wholeNumber } from '../config/fields.js';
import { defineConfigPart, type PartContext } from '../config/part.js';
import { PROXY_FIELDS, type ProxyConfig, proxyFromValues } from '../config/proxy.js';
import { fileVariableOf } from '../config/secret-files.js';
import { ORGANIZATIONS_SECTION, type OrganizationKey, parseOrganizations } from './organizations.js';

export interface ConfluentConfig {
  apiKey: string;
  apiSecret: string;
  apiUrl: string;
  telemetryUrl: string;
  timeoutMs: number;
  concurrency: number;
  retries: number;
  /**
   * The `organizations:` of SD_CONFIG_FILE, each with its own key; absent without one, when CONFLUENT_API_KEY and
   * CONFLUENT_API_SECRET are the one organisation (and `apiKey`/`apiSecret` are the first organisation's).
   */
  organizations?: OrganizationKey[];
  /** HTTPS_PROXY / HTTP_PROXY / NO_PROXY; absent when no proxy is set. */
  proxy?: ProxyConfig;
}

/**
 * Required unless SD_CONFIG_FILE lists `organizations:`, which bring their own keys. Given as `<name>_FILE`, a
 * missing value is that file's problem, which the loader reports.
 */
function requiredKey(
  v: Readonly<Record<string, unknown>>,
  context: PartContext,
  [name, what]: readonly [string, string],
  problems: string[],
): void {
  if (!v[name] && context.vars?.[fileVariableOf(name)] === undefined)
    problems.push(`${name} is required (${what})`);
}

export const confluentPart = defineConfigPart(
  {
    CONFLUENT_API_KEY: optionalText(),
    CONFLUENT_API_SECRET: optionalText(),
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
    sections: [ORGANIZATIONS_SECTION],
    checks: [
      {
        // checked apart from the other fields, so a missing key is named with every other problem
        reads: ['CONFLUENT_API_KEY', 'CONFLUENT_API_SECRET'],
        check: (v, problems, context) => {
          if (parseOrganizations(context, problems) !== undefined) return;
          requiredKey(v, context, ['CONFLUENT_API_KEY', 'the Cloud API key id'], problems);
          requiredKey(v, context, ['CONFLUENT_API_SECRET', 'the Cloud API key secret'], problems);
        },
      },
    ],
    build: (v, context): ConfluentConfig => {
      // valid here: the check above passed
      const organizations = parseOrganizations(context, []);
      const first = organizations?.[0];
      const proxy = proxyFromValues(v);
      return {
        apiKey: first?.apiKey ?? v.CONFLUENT_API_KEY ?? '',
        apiSecret: first?.apiSecret ?? v.CONFLUENT_API_SECRET ?? '',
        ...common(v),
        ...(organizations ? { organizations } : {}),
        ...(proxy ? { proxy } : {}),
      };
    },
  },
);

function common(v: {
  CONFLUENT_API_URL: string;
  CONFLUENT_TELEMETRY_URL: string;
  SD_API_TIMEOUT_MS: number;
  SD_API_CONCURRENCY: number;
  SD_API_RETRIES: number;
}) {
  return {
    apiUrl: v.CONFLUENT_API_URL,
    telemetryUrl: v.CONFLUENT_TELEMETRY_URL,
    timeoutMs: v.SD_API_TIMEOUT_MS,
    concurrency: v.SD_API_CONCURRENCY,
    retries: v.SD_API_RETRIES,
  };
}
