/**
 * Transient faults: which one, if any, a request gets (drawn from a PRNG seeded apart from the org), and the
 * answer it turns into.
 */
import { expiredTokenReply } from './list-page.js';
import { createRandom, hashString } from './random.js';
import { errorsReply, type Reply } from './reply.js';
import type { FaultKind, RuntimeConfig } from './sim-config.js';

export type FaultPicker = (config: RuntimeConfig, hasPageToken: boolean) => FaultKind | undefined;

export function createFaultPicker(seed: number): FaultPicker {
  const rand = createRandom(hashString(`faults:${seed}`));
  return (config, hasPageToken) => {
    if (config.faultRate <= 0) return undefined;
    const kinds = config.faultKinds.filter((k) => k !== 'expired-token' || hasPageToken);
    if (kinds.length === 0 || rand.next() >= config.faultRate) return undefined;
    return rand.pick(kinds);
  };
}

/**
 * The answer of a request that drew `fault`; `handle` answers it as if there were none. A `timeout` is not an
 * answer (the caller holds the request), so it is not taken here.
 */
export async function faultedReply(
  fault: Exclude<FaultKind, 'timeout'> | undefined,
  handle: () => Reply | Promise<Reply>,
): Promise<Reply> {
  switch (fault) {
    case '500':
      return errorsReply(500, 'internal_server_error', 'Internal Server Error');
    case '503':
      return errorsReply(503, 'service_unavailable', 'Service Unavailable');
    case 'expired-token':
      return expiredTokenReply();
    case 'broken-body': {
      const reply = await handle();
      return { ...reply, status: 200, body: reply.body.slice(0, Math.floor(reply.body.length / 2)) };
    }
    case undefined:
      return handle();
  }
}
