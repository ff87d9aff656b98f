/** Which transient fault, if any, a request gets: drawn from a PRNG seeded apart from the org. */
import { createRandom, hashString } from './random.js';
import type { FaultKind, RuntimeConfig } from './sim-config.js';

export function createFaultPicker(seed: number) {
  const rand = createRandom(hashString(`faults:${seed}`));
  return (config: RuntimeConfig, hasPageToken: boolean): FaultKind | undefined => {
    if (config.faultRate <= 0) return undefined;
    const kinds = config.faultKinds.filter((k) => k !== 'expired-token' || hasPageToken);
    if (kinds.length === 0 || rand.next() >= config.faultRate) return undefined;
    return rand.pick(kinds);
  };
}
