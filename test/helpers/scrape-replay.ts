/**
 * A replay of Prometheus scraping an http_sd document's target groups against the simulator's Metrics API, for
 * the scrape-plan benchmark (test/bench/scrape-plan.ts), at sizes where real Prometheus processes would not keep up
 * on two cores. For each simulated minute and each scraper, every group due that minute (`__scrape_interval__`
 * honoured) is fetched at the URL Prometheus builds from its labels (`__metrics_path__`, each `__param_*` as a query
 * parameter, `url.Values.Encode()`), with basic auth, in the order of the scrapers' offsets. The simulator's clock
 * is the replay's (`SimClock`): minute m of the replay is the simulated minute m, however long the machine takes to
 * serve it, so a slow run cannot push a scrape into the next minute's window.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { basicAuthHeader } from '../../src/confluent/transport.js';
import type { Inventory } from '../../src/discovery/resource.js';
import { paramLabelType } from '../../src/render/labels.js';
import type { RunningSimulator } from '../../src/simulator/server.js';

/** Two Prometheus servers on one API key (SD_SCRAPERS=2, an HA pair); each has its own scrape offsets. */
export const SCRAPERS = ['prometheus-a', 'prometheus-b'] as const;
const AUTH = basicAuthHeader('sim-key', 'sim-secret');

/** A target group of a rendered document, as Prometheus reads it. */
export interface TargetGroup {
  labels: Record<string, string>;
  targets: string[];
}

/** The simulator's clock, set by the replay; `timeScale` as the simulator was started with. */
export interface SimClock {
  now(): number;
  set(ms: number): void;
  timeScale: number;
}

export function createSimClock(timeScale: number): SimClock {
  const hourMs = 3_600_000 / timeScale;
  let now = Math.ceil(Date.now() / hourMs) * hourMs;
  return {
    now: () => now,
    set: (ms) => {
      now = ms;
    },
    timeScale,
  };
}

/** The clock time the next simulated hour starts at. */
export function nextHourOf(clock: SimClock): number {
  const hourMs = 3_600_000 / clock.timeScale;
  return Math.floor(clock.now() / hourMs + 1) * hourMs;
}

/** Go's `url.QueryEscape`: everything but `A-Z a-z 0-9 - _ . ~` percent-encoded (`,` → `%2C`), space → `+`. */
function goQueryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** Path and query of the scrape Prometheus sends for a group: its `__param_*` labels, keys sorted. */
export function scrapePath(labels: Record<string, string>, extra: Record<string, string> = {}): string {
  const params = new Map<string, string>(Object.entries(extra));
  for (const [k, v] of Object.entries(labels)) if (k.startsWith('__param_')) params.set(k.slice(8), v);
  const query = [...params]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, v]) => `${goQueryEscape(k)}=${goQueryEscape(v)}`)
    .join('&');
  return `${labels.__metrics_path__ ?? '/metrics'}${query ? `?${query}` : ''}`;
}

/** A group's scrape interval in whole minutes (1 unless `__scrape_interval__` says more). */
export function intervalMinutesOf(g: TargetGroup): number {
  const text = g.labels.__scrape_interval__;
  if (text === undefined) return 1;
  const m = /^(\d+)(s|m|h)$/.exec(text);
  if (!m) throw new Error(`replay: unexpected __scrape_interval__ "${text}"`);
  const seconds = Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'];
  return Math.max(1, Math.round(seconds / 60));
}

/** The resource ids a group asks for, per type. */
export function idsOf(g: TargetGroup): { type: string; ids: string[] }[] {
  return Object.entries(g.labels).flatMap(([k, v]) => {
    const type = paramLabelType(k);
    return type ? [{ type, ids: v.split(',') }] : [];
  });
}

interface Scrape {
  scraper: number;
  group: number;
  /** Where in the minute the scraper's offset puts it, 0 ≤ at < 1. */
  at: number;
}

/** FNV-1a, 32 bits: stands in for Prometheus' hash of a target (its scrape offset). */
function fnv32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * The scrapes due in `minute`, in time order: Prometheus scrapes a target once per interval at an offset from the
 * target's hash and its own seed, so a group of a k-minute interval falls in one minute of every k.
 */
function scheduleOf(groups: readonly TargetGroup[], minute: number): Scrape[] {
  const due: Scrape[] = [];
  groups.forEach((g, group) => {
    const k = intervalMinutesOf(g);
    for (const target of g.targets) {
      for (let scraper = 0; scraper < SCRAPERS.length; scraper++) {
        const offset = (fnv32(`${SCRAPERS[scraper]}\u0000${g.labels.instance}\u0000${target}`) / 2 ** 32) * k;
        if (minute % k === Math.floor(offset)) due.push({ scraper, group, at: offset - Math.floor(offset) });
      }
    }
  });
  return due.sort((a, b) => a.at - b.at);
}

interface Answer {
  status: number;
  body: string;
}

/**
 * One GET on a keep-alive socket. A socket the server closed as idle just as the request went out fails with
 * ECONNRESET; like Go's net/http under Prometheus, that request is sent once more on a new connection.
 */
function get(url: string, agent: http.Agent, localAddress: string | undefined): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { agent, headers: { authorization: AUTH }, ...(localAddress ? { localAddress } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (req.reusedSocket && err.code === 'ECONNRESET') get(url, agent, localAddress).then(resolve, reject);
      else reject(err);
    });
    req.end();
  });
}

/** `name{<first label>="<value>"`: the first label of a Metrics API series is its resource's id label. */
const SERIES = /^([A-Za-z_:][\w:]*)\{[A-Za-z_]\w*="([^"]*)"/gm;
const ACCESS_ERROR_NAME = 'confluent_scrape_resource_access_error';
const ACCESS_ERROR_SET = /^confluent_scrape_resource_access_error\{[^}]*\} 1 /gm;
const RETAINED = 'confluent_kafka_server_retained_bytes';

/** Per resource (by its index in the inventory), per scraper: scrapes due, and scrapes that brought its series. */
class Coverage {
  readonly index: Map<string, number>;
  private readonly due: Int32Array[];
  private readonly arrived: Int32Array[];
  /** 1 once a scrape brought fewer `retained_bytes` series of a Kafka cluster than it has partitions. */
  readonly incomplete: Uint8Array;
  private readonly retained: Int32Array;
  private readonly stamp: Int32Array;
  private serial = 0;
  series = 0;
  accessErrors = 0;

  constructor(
    inventory: Inventory,
    private readonly partitions: ReadonlyMap<string, number>,
  ) {
    const n = inventory.resources.length;
    this.index = new Map(inventory.resources.map((r, i) => [r.id, i]));
    this.due = SCRAPERS.map(() => new Int32Array(n));
    this.arrived = SCRAPERS.map(() => new Int32Array(n));
    this.incomplete = new Uint8Array(n);
    this.retained = new Int32Array(n);
    this.stamp = new Int32Array(n).fill(-1);
  }

  expect(scraper: number, members: readonly number[]): void {
    const due = this.due[scraper] as Int32Array;
    for (const i of members) if (i >= 0) due[i] = (due[i] ?? 0) + 1;
  }

  /** Reads a 200 answer: which resources it brought, and whether each Kafka cluster of the group came whole. */
  read(scraper: number, kafkaIds: readonly string[], body: string): void {
    const serial = ++this.serial;
    const arrived = this.arrived[scraper] as Int32Array;
    let lastId = '';
    let last = -1;
    for (const m of body.matchAll(SERIES)) {
      const name = m[1] as string;
      if (name === ACCESS_ERROR_NAME) continue;
      this.series += 1;
      const id = m[2] as string;
      if (id !== lastId) {
        lastId = id;
        last = this.index.get(id) ?? -1;
        if (last >= 0 && this.stamp[last] !== serial) {
          this.stamp[last] = serial;
          arrived[last] = (arrived[last] ?? 0) + 1;
        }
      }
      if (last >= 0 && name === RETAINED) this.retained[last] = (this.retained[last] ?? 0) + 1;
    }
    for (const _ of body.matchAll(ACCESS_ERROR_SET)) this.accessErrors += 1;
    for (const id of kafkaIds) {
      const i = this.index.get(id);
      if (i === undefined) continue;
      if (this.retained[i] !== this.partitions.get(id)) this.incomplete[i] = 1;
      this.retained[i] = 0;
    }
  }

  /** Resources that came, whole, in every scrape due for them, from every scraper. */
  exportedEvery(): number {
    let n = 0;
    for (let i = 0; i < this.incomplete.length; i++) {
      const every = this.due.every((d, s) => (d[i] ?? 0) > 0 && d[i] === this.arrived[s]?.[i]);
      if (every && this.incomplete[i] === 0) n += 1;
    }
    return n;
  }
}

async function runPool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export interface ReplayDeps {
  sim: RunningSimulator;
  clock: SimClock;
  inventory: Inventory;
  /** Partitions per Kafka cluster id: what the simulator exports (`sim.kafkaSizes()`). */
  partitions: ReadonlyMap<string, number>;
}

export interface ReplayOptions {
  /** Clock time of simulated minute 0 (an hour's start). */
  startMs: number;
  /** Minutes `from` … `from + minutes - 1` are replayed. */
  from: number;
  minutes: number;
  concurrency: number;
  /** Each scraper from its own loopback address (127.0.0.1, 127.0.0.2…) instead of all from 127.0.0.1. */
  separateIps: boolean;
  /** A `metric=` filter on every scrape (small answers: the 429 counts stay exact, the series do not). */
  metric?: string;
}

export interface ReplayFigures {
  requests: number;
  ok: number;
  perIp429: number;
  perResource429: number;
  /** Answers neither 200 nor 429. */
  other: number;
  /** Requests and 429s of each scraper. */
  perScraper: { requests: number; throttled: number }[];
  /** From the simulator's stats: responses cut at the points cap, and the series cut. */
  truncated: number;
  seriesCut: number;
  /** The busiest simulated minute's Metrics API requests, all scrapers (the simulator's stats). */
  peakPerMinute: number;
  series: number;
  /** Resources whose series all came in every scrape due for them, from every scraper (not with `metric`). */
  exportedEvery: number;
  kafkaIncomplete: number;
  /** `confluent_scrape_resource_access_error … 1` series (a requested resource the API could not read). */
  accessErrors: number;
  wallMs: number;
}

/** Replays the scrapes of `groups`; the caller resets the simulator's limits when a fresh hour should start. */
export async function replayScrapes(
  deps: ReplayDeps,
  groups: readonly TargetGroup[],
  options: ReplayOptions,
): Promise<ReplayFigures> {
  const { sim, clock } = deps;
  const minuteMs = 60_000 / clock.timeScale;
  const coverage = new Coverage(deps.inventory, deps.partitions);
  const extra: Record<string, string> = options.metric ? { metric: options.metric } : {};
  const paths = groups.map((g) => scrapePath(g.labels, extra));
  const members = groups.map((g) =>
    idsOf(g).flatMap(({ ids }) => ids.map((id) => coverage.index.get(id) ?? -1)),
  );
  const kafkaIds = groups.map((g) => idsOf(g).flatMap(({ type, ids }) => (type === 'kafka' ? ids : [])));
  const agents = SCRAPERS.map(() => new http.Agent({ keepAlive: true, maxSockets: options.concurrency }));
  const f = emptyFigures();
  sim.resetStats();
  const started = performance.now();
  try {
    for (let minute = options.from; minute < options.from + options.minutes; minute++) {
      const minuteStart = options.startMs + minute * minuteMs;
      await runPool(scheduleOf(groups, minute), options.concurrency, async (s) => {
        clock.set(minuteStart + Math.floor(s.at * minuteMs));
        if (!options.metric) coverage.expect(s.scraper, members[s.group] ?? []);
        const localAddress = options.separateIps ? `127.0.0.${s.scraper + 1}` : undefined;
        const answer = await get(
          `${sim.url}${paths[s.group]}`,
          agents[s.scraper] as http.Agent,
          localAddress,
        );
        const per = f.perScraper[s.scraper] as ReplayFigures['perScraper'][number];
        f.requests += 1;
        per.requests += 1;
        if (answer.status === 200) {
          f.ok += 1;
          if (!options.metric) coverage.read(s.scraper, kafkaIds[s.group] ?? [], answer.body);
        } else if (answer.status === 429) {
          per.throttled += 1;
          if (answer.body.includes('following resources')) f.perResource429 += 1;
          else f.perIp429 += 1;
        } else f.other += 1;
      });
    }
  } finally {
    for (const a of agents) a.destroy();
  }
  f.wallMs = performance.now() - started;
  return withSimulatorCounts(f, sim, coverage, options);
}

function emptyFigures(): ReplayFigures {
  return {
    requests: 0,
    ok: 0,
    perIp429: 0,
    perResource429: 0,
    other: 0,
    perScraper: SCRAPERS.map(() => ({ requests: 0, throttled: 0 })),
    truncated: 0,
    seriesCut: 0,
    peakPerMinute: 0,
    series: 0,
    exportedEvery: 0,
    kafkaIncomplete: 0,
    accessErrors: 0,
    wallMs: 0,
  };
}

/** Adds the simulator's own counts, which must agree with the replay's. */
function withSimulatorCounts(
  f: ReplayFigures,
  sim: RunningSimulator,
  coverage: Coverage,
  options: ReplayOptions,
): ReplayFigures {
  const stats = sim.stats().metricsApi;
  if (stats.rateLimitedPerIp !== f.perIp429 || stats.rateLimitedPerResource !== f.perResource429)
    throw new Error(
      `replay: 429s seen (${f.perIp429} per IP, ${f.perResource429} per resource) differ from the simulator's (${stats.rateLimitedPerIp}, ${stats.rateLimitedPerResource})`,
    );
  return {
    ...f,
    truncated: stats.truncatedResponses,
    seriesCut: stats.seriesCut,
    peakPerMinute: stats.requestsPerMinute.peak,
    series: coverage.series,
    accessErrors: coverage.accessErrors,
    exportedEvery: options.metric ? 0 : coverage.exportedEvery(),
    kafkaIncomplete: coverage.incomplete.reduce((n, v) => n + v, 0),
  };
}
