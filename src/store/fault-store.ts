/**
 * A decorator that fails chosen store calls, for tests of what callers do when the store fails: the publisher's
 * guards and rollback, the server serving its previous set. A rule names the calls it watches (op, and a key
 * test), and which of those fail (`from`, `times`); a failing call throws before it reaches the store, so it
 * changes nothing. Every call is recorded in `calls`, so a test can assert what was attempted and in what order.
 */
import { AppError } from '../errors.js';
import type { Store } from './store.js';
import { type AroundCall, type StoreOp, wrapStore } from './wrap-store.js';

export type { StoreOp } from './wrap-store.js';

export interface FaultRule {
  /** The calls the rule watches. */
  op: StoreOp | readonly StoreOp[];
  /** Only calls whose key (a list's prefix) starts with this string or matches this RegExp; checks have no key. */
  key?: string | RegExp;
  /** The first watched call that fails, counted from 1 (default 1): `{ from: 3, times: 1 }` fails the 3rd only. */
  from?: number;
  /** How many watched calls fail from `from` on (default: every one). */
  times?: number;
  /** What a failing call throws (default: a retryable `STORE_UNAVAILABLE` that names the call). */
  error?: AppError;
}

export interface FaultCall {
  op: StoreOp;
  key?: string;
  failed: boolean;
}

export interface FaultStore extends Store {
  /** Every call made through the decorator, in order, failed or not. */
  readonly calls: readonly FaultCall[];
}

export function withFaults(store: Store, rules: FaultRule | readonly FaultRule[]): FaultStore {
  const watchers = (Array.isArray(rules) ? rules : [rules]).map((rule: FaultRule) => ({ rule, seen: 0 }));
  const calls: FaultCall[] = [];

  /** Counts the call against every rule that watches it; answers the error of the first rule it falls in. */
  function faultFor(op: StoreOp, key: string | undefined): AppError | undefined {
    let fault: AppError | undefined;
    for (const w of watchers) {
      if (!watches(w.rule, op, key)) continue;
      w.seen += 1;
      const from = w.rule.from ?? 1;
      const inWindow = w.seen >= from && (w.rule.times === undefined || w.seen < from + w.rule.times);
      if (inWindow && !fault) fault = w.rule.error ?? injectedError(op, key, store.location);
    }
    return fault;
  }

  const call: AroundCall = (op, key, fn) => {
    const fault = faultFor(op, key);
    calls.push({ op, ...(key === undefined ? {} : { key }), failed: fault !== undefined });
    return fault ? Promise.reject(fault) : fn();
  };

  return Object.assign(wrapStore(store, call), { calls });
}

function watches(rule: FaultRule, op: StoreOp, key: string | undefined): boolean {
  const ops: readonly StoreOp[] = typeof rule.op === 'string' ? [rule.op] : rule.op;
  if (!ops.includes(op)) return false;
  if (rule.key === undefined) return true;
  if (key === undefined) return false;
  // search, unlike test, ignores a global RegExp's lastIndex
  return typeof rule.key === 'string' ? key.startsWith(rule.key) : key.search(rule.key) !== -1;
}

function injectedError(op: StoreOp, key: string | undefined, location: string): AppError {
  const call = key === undefined ? `${op} ${location}` : `${op} ${key} in ${location}`;
  return new AppError('STORE_UNAVAILABLE', `${call}: injected fault`, { retryable: true });
}
