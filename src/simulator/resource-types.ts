/**
 * The Metrics API's resource types (`resource.<type>.id`) the simulator models, as Confluent names them, and the
 * dataset each is exported from. The simulator is a test oracle and keeps its own list apart from the product's:
 * it says what Confluent offers.
 */
export const SIM_RESOURCE_TYPES = [
  'kafka',
  'schema_registry',
  'ksql',
  'compute_pool',
  'connector',
  'custom_connector',
] as const;
export type SimResourceType = (typeof SIM_RESOURCE_TYPES)[number];

export function isSimResourceType(value: string): value is SimResourceType {
  return SIM_RESOURCE_TYPES.some((type) => type === value);
}

/** The datasets served (reference §7.2): custom connectors are exported from `cloud-custom` only [M26]. */
export const SIM_DATASETS = ['cloud', 'cloud-custom'] as const;
export type SimDataset = (typeof SIM_DATASETS)[number];

export function datasetOf(type: SimResourceType): SimDataset {
  return type === 'custom_connector' ? 'cloud-custom' : 'cloud';
}
