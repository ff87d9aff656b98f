/**
 * Where builders of simulated records draw from: the random source, the id allocator and the clock. The seeded
 * generator's context is pure; the admin API's is seeded apart and checks ids against the live org.
 */
import { createRandom, hashString, type Random } from './random.js';

export interface GeneratorContext {
  rand: Random;
  /** A fresh, org-unique id: `env-a1b2c3`. */
  newId(prefix: string): string;
  stamps(): { createdAt: string; updatedAt: string };
  uuid(): string;
}

const GENERATED_FROM = Date.UTC(2023, 0, 1) / 1000;
const GENERATED_SPAN_DAYS = 900;

/** Times as Confluent prints them: microseconds, UTC. */
function isoMicros(epochSeconds: number, micros: number): string {
  return `${new Date(epochSeconds * 1000).toISOString().slice(0, 19)}.${String(micros).padStart(6, '0')}Z`;
}

function uuidFrom(rand: Random): string {
  const hex = Array.from({ length: 32 }, () => rand.int(0, 15).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

function allocateId(rand: Random, prefix: string, isTaken: (id: string) => boolean): string {
  for (;;) {
    const id = `${prefix}-${rand.alnum(6)}`;
    if (!isTaken(id)) return id;
  }
}

/** The context of `generateOrg`: every draw, id and timestamp comes from the seed. */
export function createGeneratorContext(seed: number): GeneratorContext {
  const rand = createRandom(seed);
  const used = new Set<string>();
  return {
    rand,
    newId(prefix) {
      const id = allocateId(rand, prefix, (x) => used.has(x));
      used.add(id);
      return id;
    },
    stamps() {
      const created = GENERATED_FROM + rand.int(0, GENERATED_SPAN_DAYS * 86_400);
      const createdAt = isoMicros(created, rand.int(0, 999_999));
      if (rand.chance(0.5)) return { createdAt, updatedAt: createdAt };
      return { createdAt, updatedAt: isoMicros(created + rand.int(60, 200 * 86_400), rand.int(0, 999_999)) };
    },
    uuid: () => uuidFrom(rand),
  };
}

/** The context of run-time additions: seeded apart from the generator, ids checked against the live org. */
export function createRuntimeContext(
  seed: number,
  isTaken: (id: string) => boolean,
  clock: () => number,
): GeneratorContext {
  const rand = createRandom(hashString(`runtime:${seed}`));
  return {
    rand,
    newId: (prefix) => allocateId(rand, prefix, isTaken),
    stamps() {
      const now = clock();
      const at = isoMicros(Math.floor(now / 1000), (now % 1000) * 1000);
      return { createdAt: at, updatedAt: at };
    },
    uuid: () => uuidFrom(rand),
  };
}
