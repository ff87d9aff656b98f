/** Checks of what the admin API is asked to create or rename; a bad field is a SimRequestError(400). */
import { cloudOfRegion, isCloud } from './names.js';
import type { SimKafkaCluster } from './org.js';
import type { KafkaShape, NamedPlacement, Placement } from './org-factory.js';
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

/** What a new Kafka cluster is, as the admin API may ask for it; what is left out is drawn. */
export interface KafkaShapeInput {
  kind?: string;
  cku?: number;
  topics?: number;
  partitions?: number;
}

const KINDS = ['Basic', 'Standard', 'Enterprise', 'Dedicated'] as const;
const MAX_PARTITIONS = 1_000_000;

function isKind(value: string): value is SimKafkaCluster['kind'] {
  return KINDS.some((k) => k === value);
}

function requireCount(value: unknown, field: string, max: number): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max) return value;
  throw new SimRequestError(400, 'invalid_request', `${field} must be an integer from 1 to ${max}`);
}

/** The kind, CKU and size asked for, checked: CKU only on Dedicated, topics and partitions together. */
export function checkKafkaShape(input: KafkaShapeInput): KafkaShape {
  const shape: KafkaShape = {};
  if (input.kind !== undefined) {
    if (!isKind(input.kind))
      throw new SimRequestError(400, 'invalid_request', `kind must be one of ${KINDS.join(', ')}`);
    shape.kind = input.kind;
  }
  if (input.cku !== undefined) {
    if (shape.kind !== 'Dedicated')
      throw new SimRequestError(400, 'invalid_request', 'cku needs kind Dedicated');
    shape.cku = requireCount(input.cku, 'cku', 1000);
  }
  if (input.topics !== undefined || input.partitions !== undefined) {
    const topics = requireCount(input.topics, 'topics', MAX_PARTITIONS);
    const partitions = requireCount(input.partitions, 'partitions', MAX_PARTITIONS);
    if (partitions < topics)
      throw new SimRequestError(400, 'invalid_request', 'partitions must be at least topics');
    shape.size = { topics, partitions };
  }
  return shape;
}
