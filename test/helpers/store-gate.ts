/**
 * Holds the first store call that matches until the test releases it, so a test can run a second publisher
 * while the first waits at a chosen point (its pointer switch, its first snapshot write): an in-process race
 * with a fixed interleaving.
 */
import type { Store } from '../../src/store/store.js';
import { type StoreOp, wrapStore } from '../../src/store/wrap-store.js';

export interface GatedStore {
  store: Store;
  /** Settles when the held call arrives (it has not reached the store yet). */
  reached: Promise<void>;
  /** Lets the held call through. */
  release(): void;
}

export function withGate(store: Store, when: (op: StoreOp, key: string | undefined) => boolean): GatedStore {
  let arrive = () => {};
  let release = () => {};
  const reached = new Promise<void>((r) => {
    arrive = r;
  });
  const released = new Promise<void>((r) => {
    release = r;
  });
  let held = false;
  const gated = wrapStore(store, async (op, key, fn) => {
    if (!held && when(op, key)) {
      held = true;
      arrive();
      await released;
    }
    return fn();
  });
  return { store: gated, reached, release };
}

/** The pointer switch or refresh, whichever conditional or plain write it is. */
export function isPointerWrite(op: StoreOp, key: string | undefined): boolean {
  return (op === 'put' || op === 'create' || op === 'replace') && key === 'latest/manifest.json';
}
