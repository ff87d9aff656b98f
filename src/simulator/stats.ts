/** Counts of the API traffic the simulator saw (admin calls excluded), for tests that assert attempt counts. */
import { type MetricsApiStats, MetricsTraffic } from './metrics-stats.js';
import type { FaultKind } from './sim-config.js';

export interface SimulatorStats {
  /** Every API request received (not the admin API). */
  requests: number;
  /** Per endpoint path template, e.g. `/cmk/v2/clusters`; `(unmatched)` for unknown paths. */
  byEndpoint: Record<string, number>;
  /** Per answered status code (held `timeout` faults have none). */
  byStatus: Record<string, number>;
  unauthorized: number;
  rateLimited: number;
  faults: number;
  faultsByKind: Record<FaultKind, number>;
  /** The Metrics API's traffic against its limits, per simulated minute. */
  metricsApi: MetricsApiStats;
  /** When counting started (start or last reset), ISO time. */
  since: string;
}

type Counts = Omit<SimulatorStats, 'metricsApi'>;

export class StatsRecorder {
  private current: Counts;
  private traffic: MetricsTraffic;

  /** `timeScale` is read at each count: the simulated minute the Metrics API's windows run on. */
  constructor(
    private readonly clock: () => number,
    private readonly timeScale: () => number = () => 1,
  ) {
    this.current = this.empty();
    this.traffic = new MetricsTraffic(timeScale);
  }

  /** The Metrics API counts (requests per simulated minute, 429s per limit, truncations). */
  get metrics(): MetricsTraffic {
    return this.traffic;
  }

  private empty(): Counts {
    const faultsByKind: Record<FaultKind, number> = {
      '500': 0,
      '503': 0,
      timeout: 0,
      'broken-body': 0,
      'expired-token': 0,
    };
    return {
      requests: 0,
      byEndpoint: {},
      byStatus: {},
      unauthorized: 0,
      rateLimited: 0,
      faults: 0,
      faultsByKind,
      since: new Date(this.clock()).toISOString(),
    };
  }

  request(endpoint: string): void {
    this.current.requests += 1;
    this.current.byEndpoint[endpoint] = (this.current.byEndpoint[endpoint] ?? 0) + 1;
  }

  status(code: number): void {
    this.current.byStatus[code] = (this.current.byStatus[code] ?? 0) + 1;
    if (code === 401) this.current.unauthorized += 1;
    if (code === 429) this.current.rateLimited += 1;
  }

  fault(kind: FaultKind): void {
    this.current.faults += 1;
    this.current.faultsByKind[kind] += 1;
  }

  snapshot(): SimulatorStats {
    return { ...structuredClone(this.current), metricsApi: this.traffic.snapshot(this.clock()) };
  }

  reset(): SimulatorStats {
    this.current = this.empty();
    this.traffic = new MetricsTraffic(this.timeScale);
    return this.snapshot();
  }
}
