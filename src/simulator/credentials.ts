/** HTTP basic auth against the simulator's one API key (compared in constant time, never logged). */
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
