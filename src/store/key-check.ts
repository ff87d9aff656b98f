/** Key and prefix checks shared by both stores: a key outside the key rules never reaches a path or a request. */
import { AppError } from '../errors.js';
import { isValidKey } from './store.js';

/**
 * A key outside the key rules never becomes a path. Reads answer `STORE_NOT_FOUND` (no object can have that
 * key, so a server maps it to 404); writes answer `STORE_WRITE`. Neither is retried.
 */
export function invalidKeyError(action: string, kind: 'read' | 'write', key: string): AppError {
  return new AppError(
    kind === 'write' ? 'STORE_WRITE' : 'STORE_NOT_FOUND',
    `${printable(action)}: invalid key ${JSON.stringify(key)} (want a relative "/"-separated path of letters, digits, "_", ".", "-" without empty, "." or ".." segments)`,
  );
}

/** Actions carry the raw key: escape control characters so a log line stays one readable line. */
function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (c) => JSON.stringify(c).slice(1, -1));
}

export function checkKey(action: string, kind: 'read' | 'write', key: string): void {
  if (!isValidKey(key)) throw invalidKeyError(action, kind, key);
}

/** A list prefix is empty, a valid key, or a valid key followed by `/`. */
export function checkPrefix(action: string, prefix: string): void {
  if (prefix !== '' && !isValidKey(prefix.replace(/\/$/, ''))) throw invalidKeyError(action, 'read', prefix);
}
