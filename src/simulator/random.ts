/**
 * A small seeded PRNG (mulberry32) and the draws the simulator needs. Math.random is never used for anything
 * that shapes the organisation, so one seed always yields the same org.
 */

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
  /** `length` lowercase alphanumerics, the shape of Confluent id suffixes (`lkc-7x9k2m`). */
  alnum(length: number): string;
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick<T>(items: readonly T[]): T {
      const item = items[int(0, items.length - 1)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    chance: (probability) => next() < probability,
    alnum(length) {
      let out = '';
      for (let i = 0; i < length; i++) out += ID_ALPHABET[int(0, ID_ALPHABET.length - 1)];
      return out;
    },
  };
}

/** A stable 32-bit hash (FNV-1a) of a string, to derive sub-seeds and metric values from ids. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
