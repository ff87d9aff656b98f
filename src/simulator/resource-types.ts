/**
 * The Metrics API's resource types (`resource.<type>.id`) the simulator models, as Confluent names them. The
 * simulator is a test oracle and keeps its own list apart from the product's: it says what Confluent offers.
 */
export const SIM_RESOURCE_TYPES = ['kafka', 'schema_registry', 'ksql', 'compute_pool', 'connector'] as const;
export type SimResourceType = (typeof SIM_RESOURCE_TYPES)[number];

export function isSimResourceType(value: string): value is SimResourceType {
  return SIM_RESOURCE_TYPES.some((type) => type === value);
}
