/** The organisation(s) an inventory belongs to, as the environments' CRNs name them (pure). */
import type { Inventory } from './resource.js';

/** Sorted, each once; empty when no environment carried a CRN. */
export function organizationIdsOf(inventory: Pick<Inventory, 'environments'>): string[] {
  const ids = inventory.environments.flatMap((e) => (e.organizationId ? [e.organizationId] : []));
  return [...new Set(ids)].sort();
}
