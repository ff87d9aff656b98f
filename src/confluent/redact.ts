/**
 * Removes the credentials from text built out of a response (error details, shape problems): a server or a proxy
 * may echo the Authorization header or the secret back, and those texts reach logs, status.json and the manifest.
 */

export type Redact = (text: string) => string;

export const REDACTED = '[redacted]';

/** What a response could echo: the secret, base64(key:secret) with and without padding, the header value. */
function secretForms(apiKey: string, apiSecret: string): string[] {
  if (apiSecret === '') return [];
  const b64 = Buffer.from(`${apiKey}:${apiSecret}`, 'utf8').toString('base64');
  const forms = [`Basic ${b64}`, b64, b64.replace(/=+$/, ''), apiSecret, encodeURIComponent(apiSecret)];
  // longest first, so the header value goes as a whole rather than leaving "Basic " and a tail behind
  return [...new Set(forms)].filter((f) => f !== '').sort((a, b) => b.length - a.length);
}

export function createRedactor(apiKey: string, apiSecret: string): Redact {
  const forms = secretForms(apiKey, apiSecret);
  return (text) => {
    let out = text;
    for (const form of forms) out = out.replaceAll(form, REDACTED);
    return out;
  };
}

/** For callers that hold no credentials. */
export const keepText: Redact = (text) => text;
