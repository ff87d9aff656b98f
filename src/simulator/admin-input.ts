/** Checks of what the admin API is asked to create or rename; a bad field is a SimRequestError(400). */
import { cloudOfRegion, isCloud } from './names.js';
import type { NamedPlacement, Placement } from './org-factory.js';
import { SimRequestError } from './reply.js';

/** Where and under what name to create a resource that names its own place (Kafka, Schema Registry, pool). */
export interface PlacementInput {
  environment: string;
  displayName?: string;
  cloud?: string;
  region?: string;
}

export function requireName(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new SimRequestError(400, 'invalid_request', `${field} is required (a non-empty string)`);
  }
  return value;
}

/** The display name asked for, if any; when given it must not be blank. */
export function optionalDisplayName(input: { displayName?: string }): { displayName?: string } {
  return input.displayName === undefined
    ? {}
    : { displayName: requireName(input.displayName, 'display_name') };
}

export function checkPlacement(input: { cloud?: string; region?: string }): Placement {
  const placement: Placement = {};
  if (input.cloud !== undefined) {
    const cloud = String(input.cloud).toLowerCase();
    if (!isCloud(cloud)) throw new SimRequestError(400, 'invalid_request', 'cloud must be aws, gcp or azure');
    placement.cloud = cloud;
  }
  if (input.region !== undefined) {
    placement.region = requireName(input.region, 'region');
    if (!placement.cloud && !cloudOfRegion(placement.region)) {
      throw new SimRequestError(400, 'invalid_request', `cloud is required for region ${placement.region}`);
    }
  }
  return placement;
}

/** The place and name asked for, checked. */
export function checkNamedPlacement(input: PlacementInput): NamedPlacement {
  return { ...checkPlacement(input), ...optionalDisplayName(input) };
}
