import { createHash } from 'node:crypto';
import type { StoreReader } from '../../src/store/store.js';

/** Every object under `prefix` as key → sha256 of its bytes, to compare a store before and after a run. */
export async function storeState(store: StoreReader, prefix = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const info of await store.list(prefix)) {
    const obj = await store.get(info.key);
    out[info.key] = createHash('sha256').update(obj.body).digest('hex');
  }
  return out;
}

export async function readJson<T = unknown>(store: StoreReader, key: string): Promise<T> {
  const obj = await store.get(key);
  return JSON.parse(obj.body.toString('utf8')) as T;
}

/** `state` without the run log (`runs/`), which every attempt adds to, failed and refused ones included. */
export function withoutRunLog(state: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(state).filter(([key]) => !key.startsWith('runs/')));
}
