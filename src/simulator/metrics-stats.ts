/**
 * Metrics API traffic per simulated minute: requests, the 429s of each limit, truncated `/export` responses and the
 * series they cut. Answers "did the scrape plan stay inside the limits" for tests and benchmarks.
 */
import { MINUTE_MS, windowAt } from './metrics-limits.js';

export interface MetricsMinute {
  /** When this simulated minute started (real time), ISO. */
  start: string;
  requests: number;
  rateLimitedPerIp: number;
  rateLimitedPerResource: number;
  truncatedResponses: number;
  seriesCut: number;
}

export interface MetricsApiStats {
  /** Metrics API requests (every endpoint under `/v2/metrics/`, all client IPs) per simulated minute. */
  requestsPerMinute: { current: number; last: number; peak: number };
  /** 429s of the per-client-IP limit. */
  rateLimitedPerIp: number;
  /** 429s of the per-resource-per-principal `/export` budget. */
  rateLimitedPerResource: number;
  /** `/export` responses that had series cut at the points cap. */
  truncatedResponses: number;
  seriesCut: number;
  /** The last simulated minutes that saw traffic, oldest first (at most 60). */
  minutes: MetricsMinute[];
}

type Counted = Exclude<keyof MetricsMinute, 'start'>;

interface Window {
  scale: number;
  index: number;
  minute: MetricsMinute;
}

const KEPT_MINUTES = 60;

export class MetricsTraffic {
  private windows: Window[] = [];
  private peak = 0;
  private readonly totals = {
    rateLimitedPerIp: 0,
    rateLimitedPerResource: 0,
    truncatedResponses: 0,
    seriesCut: 0,
  };

  constructor(private readonly timeScale: () => number) {}

  request(now: number): void {
    this.add(now, 'requests', 1);
    this.peak = Math.max(this.peak, this.windowOf(now).minute.requests);
  }

  rateLimited(now: number, limit: 'perIp' | 'perResource'): void {
    const key = limit === 'perIp' ? 'rateLimitedPerIp' : 'rateLimitedPerResource';
    this.totals[key] += 1;
    this.add(now, key, 1);
  }

  truncated(now: number, seriesCut: number): void {
    this.totals.truncatedResponses += 1;
    this.totals.seriesCut += seriesCut;
    this.add(now, 'truncatedResponses', 1);
    this.add(now, 'seriesCut', seriesCut);
  }

  snapshot(now: number): MetricsApiStats {
    const scale = this.timeScale();
    const { index } = windowAt(now, MINUTE_MS, scale);
    const requestsAt = (i: number) =>
      this.windows.find((w) => w.scale === scale && w.index === i)?.minute.requests ?? 0;
    return {
      requestsPerMinute: { current: requestsAt(index), last: requestsAt(index - 1), peak: this.peak },
      ...this.totals,
      minutes: this.windows.map((w) => ({ ...w.minute })),
    };
  }

  private add(now: number, key: Counted, n: number): void {
    this.windowOf(now).minute[key] += n;
  }

  /** The window of `now`, opened when it is new; a change of time scale opens a new one too. */
  private windowOf(now: number): Window {
    const scale = this.timeScale();
    const { index, endsAt } = windowAt(now, MINUTE_MS, scale);
    const last = this.windows.at(-1);
    if (last && last.scale === scale && last.index === index) return last;
    const start = new Date(Math.round(endsAt - MINUTE_MS / scale)).toISOString();
    const minute = {
      start,
      requests: 0,
      rateLimitedPerIp: 0,
      rateLimitedPerResource: 0,
      truncatedResponses: 0,
      seriesCut: 0,
    };
    const window = { scale, index, minute };
    this.windows = [...this.windows.slice(-(KEPT_MINUTES - 1)), window];
    return window;
  }
}
