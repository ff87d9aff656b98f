/**
 * HTTP basic auth against the simulator's API keys, one per organisation (compared in constant time, never
 * logged): as in Confluent Cloud, a Cloud API key belongs to one organisation, so the key picks the organisation.
 */
import { timingSafeEqual } from 'node:crypto';

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The key of a basic-auth header: the principal the Metrics API's `/export` budget is kept for. */
export function principalOf(header: string | undefined): string {
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  const decoded = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
  return decoded.slice(0, Math.max(0, decoded.indexOf(':')));
}

export function isAuthorized(header: string | undefined, apiKey: string, apiSecret: string): boolean {
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!match?.[1]) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  // evaluate both so a wrong key and a wrong secret take the same time
  const keyOk = sameText(decoded.slice(0, colon), apiKey);
  const secretOk = sameText(decoded.slice(colon + 1), apiSecret);
  return keyOk && secretOk;
}

/** Whatever holds one organisation's credentials. */
export interface Credentials {
  apiKey: string;
  apiSecret: string;
}

/** The credentials a basic-auth header matches, or undefined; every key is compared, so timing names none. */
export function findCredentials<C extends Credentials>(
  header: string | undefined,
  all: readonly C[],
): C | undefined {
  let found: C | undefined;
  for (const c of all) if (isAuthorized(header, c.apiKey, c.apiSecret) && !found) found = c;
  return found;
}
