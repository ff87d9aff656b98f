/**
 * Simulated connectors → the Connect v1 API's shapes (reference/confluent-cloud-api.md §5): one entry of the
 * expanded listing, with the parts asked for. Secrets in the config are masked as the real API masks them.
 */
import type { SimConnector, SimEnvironment, SimKafkaCluster } from './org.js';
import { endpointHost } from './records.js';

export type ConnectorPart = 'id' | 'info' | 'status';

const MASKED = '****************';

/** One entry of the Connect API's expanded listing, with only the parts asked for. */
export function connectorToExpanded(
  env: SimEnvironment,
  cluster: SimKafkaCluster,
  c: SimConnector,
  parts: ReadonlySet<ConnectorPart>,
) {
  const entry: Record<string, unknown> = {};
  if (parts.has('id')) entry.id = { id: c.id, id_type: 'ID' };
  if (parts.has('info')) {
    entry.info = {
      name: c.name,
      type: c.type,
      config: {
        'cloud.environment': 'prod',
        'cloud.provider': cluster.cloud,
        // how a custom connector is told apart in the same listing (recorded answer, reference §12)
        ...(c.pluginId === undefined
          ? {}
          : { 'confluent.connector.type': 'CUSTOM', 'confluent.custom.plugin.id': c.pluginId }),
        'connector.class': c.connectorClass,
        'kafka.api.key': MASKED,
        'kafka.api.secret': MASKED,
        'kafka.endpoint': `SASL_SSL://${endpointHost(cluster.endpointId, cluster.region, cluster.cloud)}:9092`,
        'kafka.environment.id': env.id,
        'kafka.region': cluster.region,
        name: c.name,
        'tasks.max': String(c.tasksMax),
        ...(c.type === 'sink' ? { topics: c.topic } : { 'kafka.topic': c.topic }),
      },
      tasks: Array.from({ length: c.tasksMax }, (_, task) => ({ connector: c.name, task })),
    };
  }
  if (parts.has('status')) {
    const running = c.state === 'RUNNING';
    entry.status = {
      name: c.name,
      type: c.type,
      connector: {
        state: c.state,
        worker_id: c.name,
        trace: c.state === 'FAILED' ? 'There were some errors with your configuration' : '',
      },
      tasks: running
        ? Array.from({ length: c.tasksMax }, (_, id) => ({
            id,
            state: 'RUNNING',
            worker_id: c.name,
            msg: '',
          }))
        : [],
    };
  }
  entry.extensions = {};
  return entry;
}
