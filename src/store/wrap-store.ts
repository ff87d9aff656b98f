/**
 * Every call of a store passed through one function, with the call's name and key: the retry layer and the
 * fault decorator are both a wrap.
 */
import type { Store, StoreReader } from './store.js';

export type StoreOp = Exclude<keyof Store, 'location'>;

export type AroundCall = <T>(op: StoreOp, key: string | undefined, fn: () => Promise<T>) => Promise<T>;

export function wrapReader(reader: StoreReader, around: AroundCall): StoreReader {
  return {
    location: reader.location,
    get: (key) => around('get', key, () => reader.get(key)),
    getIfChanged: (key, etag) => around('getIfChanged', key, () => reader.getIfChanged(key, etag)),
    getStream: (key) => around('getStream', key, () => reader.getStream(key)),
    head: (key) => around('head', key, () => reader.head(key)),
    list: (prefix) => around('list', prefix, () => reader.list(prefix)),
    check: () => around('check', undefined, () => reader.check()),
    close: () => around('close', undefined, () => reader.close()),
  };
}

export function wrapStore(store: Store, around: AroundCall): Store {
  return {
    ...wrapReader(store, around),
    put: (key, body, contentType) => around('put', key, () => store.put(key, body, contentType)),
    create: (key, body, contentType) => around('create', key, () => store.create(key, body, contentType)),
    replace: (key, body, contentType, etag) =>
      around('replace', key, () => store.replace(key, body, contentType, etag)),
    delete: (key) => around('delete', key, () => store.delete(key)),
    checkWritable: () => around('checkWritable', undefined, () => store.checkWritable()),
  };
}
