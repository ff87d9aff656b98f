/**
 * The Confluent Cloud simulator (DESIGN §8): control plane, Metrics API and the `/_sim/` admin API on one port,
 * over plain node:http so a `timeout` fault can hold a request and then destroy its socket.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../errors.js';
import { createSilentLogger, type Logger } from '../log.js';
import { ADMIN_ROUTES, type AdminContext } from './admin-routes.js';
import { CLOUD_ROUTES, type CloudContext } from './cloud-routes.js';
import { isAuthorized } from './credentials.js';
import { createFaultPicker } from './faults.js';
import { expiredTokenReply } from './list-page.js';
import { METRICS_ROUTES, type MetricsContext } from './metrics-routes.js';
import type { OrgSizes, SimulatedOrg } from './org.js';
import { generateOrg } from './org-generator.js';
import { OrgStore } from './org-store.js';
import { FixedWindowLimiter } from './rate-limit.js';
import {
  connectErrorReply,
  errorsReply,
  notFoundReply,
  type Reply,
  type SimRequest,
  SimRequestError,
  UNAUTHORIZED_HEADER,
} from './reply.js';
import { matchRoute, type Route } from './router.js';
import { readJsonBody, sendReply, sleepUnlessAborted } from './server-io.js';
import { checkRuntimeConfig, DEFAULT_RUNTIME_CONFIG, type RuntimeConfig } from './sim-config.js';
import { type SimulatorStats, StatsRecorder } from './stats.js';

export type { FaultKind, RuntimeConfig } from './sim-config.js';
export type { SimulatorStats } from './stats.js';

export interface SimulatorOptions extends Partial<OrgSizes>, Partial<RuntimeConfig> {
  seed?: number;
  apiKey?: string;
  apiSecret?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  log?: Logger;
  /** Milliseconds since the epoch; tests pass a fake clock to expire page tokens or pin rate windows. */
  clock?: () => number;
}

export interface RunningSimulator {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  port: number;
  /** The live organisation (the admin API changes it). Change it only through `store` or the admin API. */
  org: SimulatedOrg;
  store: OrgStore;
  stats(): SimulatorStats;
  resetStats(): SimulatorStats;
  config(): RuntimeConfig;
  /** Throws AppError USAGE when a value is out of range. */
  setConfig(partial: Partial<RuntimeConfig>): void;
  /** Stops listening and ends every open connection at once, held `timeout` faults included. */
  close(): Promise<void>;
}

type Ctx = CloudContext & MetricsContext & AdminContext;
const API_ROUTES: readonly Route<Ctx>[] = [...CLOUD_ROUTES, ...METRICS_ROUTES];

function runtimeSlice(options: SimulatorOptions): Partial<RuntimeConfig> {
  const keys = Object.keys(DEFAULT_RUNTIME_CONFIG) as (keyof RuntimeConfig)[];
  return Object.fromEntries(keys.filter((k) => options[k] !== undefined).map((k) => [k, options[k]]));
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const clock = options.clock ?? Date.now;
  const log = options.log ?? createSilentLogger();
  const seed = options.seed ?? 1;
  const apiKey = options.apiKey ?? 'sim-key';
  const apiSecret = options.apiSecret ?? 'sim-secret';
  const host = options.host ?? '127.0.0.1';

  let config: RuntimeConfig = { ...DEFAULT_RUNTIME_CONFIG };
  const setConfig = (partial: Record<string, unknown>) => {
    const problems = checkRuntimeConfig(partial);
    if (problems.length > 0) throw new SimRequestError(400, 'invalid_request', problems.join('; '));
    config = { ...config, ...(partial as Partial<RuntimeConfig>) };
  };
  try {
    setConfig(runtimeSlice(options));
  } catch (err) {
    throw new AppError('USAGE', `start simulator: ${(err as Error).message}`);
  }

  const sizes: Partial<OrgSizes> = {};
  for (const k of [
    'environments',
    'kafkaPerEnv',
    'connectorsPerCluster',
    'ksqlPerEnv',
    'computePoolsPerEnv',
  ] as const) {
    if (options[k] !== undefined) sizes[k] = options[k];
  }
  if (options.schemaRegistry !== undefined) sizes.schemaRegistry = options.schemaRegistry;
  const store = new OrgStore(generateOrg(seed, sizes), clock);
  const stats = new StatsRecorder(clock);
  const limiter = new FixedWindowLimiter();
  const pickFault = createFaultPicker(seed);
  const closing = new AbortController();
  const ctx: Ctx = {
    store,
    stats,
    get pageTokenTtlMs() {
      return config.pageTokenTtlMs;
    },
    config: () => structuredClone(config),
    setConfig,
  };

  async function handleApi(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    sim: SimRequest,
  ): Promise<void> {
    const match = matchRoute(API_ROUTES, sim.method, sim.path);
    stats.request(
      match.kind === 'none' ? '(unmatched)' : match.kind === 'found' ? match.route.template : match.template,
    );
    const headers: Record<string, string> = {};
    const answer = (reply: Reply) => {
      stats.status(reply.status);
      sendReply(res, sim.method, reply, headers);
    };
    if (config.rateLimit > 0) {
      const decision = limiter.take(sim.now, config.rateLimit);
      Object.assign(headers, decision.headers);
      if (!decision.allowed) return answer(errorsReply(429, 'too_many_requests', 'Too Many Requests'));
    }
    if (!isAuthorized(req.headers.authorization, apiKey, apiSecret)) {
      headers['WWW-Authenticate'] = UNAUTHORIZED_HEADER;
      return answer(
        sim.path.startsWith('/connect/')
          ? connectErrorReply(401, 'Unauthorized')
          : errorsReply(401, 'user_unauthenticated', 'Authentication failed'),
      );
    }
    if (match.kind === 'none') return answer(notFoundReply());
    if (match.kind === 'method') return answer(errorsReply(405, 'method_not_allowed', 'Method Not Allowed'));
    sim.params = match.params;
    const fault = pickFault(config, sim.query.has('page_token'));
    if (fault) stats.fault(fault);
    if (fault === 'timeout') {
      const signal = AbortSignal.any([closing.signal, abortOnClose(res)]);
      await sleepUnlessAborted(config.faultTimeoutMs, signal);
      res.socket?.destroy();
      return;
    }
    if (fault === '500') return answer(errorsReply(500, 'internal_server_error', 'Internal Server Error'));
    if (fault === '503') return answer(errorsReply(503, 'service_unavailable', 'Service Unavailable'));
    if (fault === 'expired-token') return answer(expiredTokenReply());
    const reply = await match.route.handler(sim, ctx);
    if (fault === 'broken-body') {
      return answer({ ...reply, status: 200, body: reply.body.slice(0, Math.floor(reply.body.length / 2)) });
    }
    answer(reply);
  }

  async function handleAdmin(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    sim: SimRequest,
  ): Promise<void> {
    const headers: Record<string, string> =
      config.rateLimit > 0 ? limiter.peek(sim.now, config.rateLimit) : {};
    const answer = (reply: Reply) => sendReply(res, sim.method, reply, headers);
    if (!isAuthorized(req.headers.authorization, apiKey, apiSecret)) {
      headers['WWW-Authenticate'] = UNAUTHORIZED_HEADER;
      return answer(errorsReply(401, 'user_unauthenticated', 'Authentication failed'));
    }
    const match = matchRoute(ADMIN_ROUTES, sim.method, sim.path);
    if (match.kind === 'none') return answer(notFoundReply());
    if (match.kind === 'method') return answer(errorsReply(405, 'method_not_allowed', 'Method Not Allowed'));
    sim.params = match.params;
    try {
      sim.body = await readJsonBody(req);
      answer(await match.route.handler(sim, ctx));
    } catch (err) {
      if (!(err instanceof SimRequestError)) throw err;
      answer(errorsReply(err.status, err.code, err.message));
    }
  }

  const server = http.createServer((req, res) => {
    res.setHeader('X-Request-Id', randomUUID());
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const hostHeader = req.headers.host;
    const sim: SimRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      params: {},
      baseUrl: hostHeader && /^[\w.:[\]-]+$/.test(hostHeader) ? `http://${hostHeader}` : runningUrl,
      body: undefined,
      now: clock(),
    };
    const admin = sim.path === '/_sim' || sim.path.startsWith('/_sim/');
    const handle = async () => {
      if (config.latencyMs > 0 && !(await sleepUnlessAborted(config.latencyMs, closing.signal))) {
        res.socket?.destroy();
        return;
      }
      sim.now = clock();
      await (admin ? handleAdmin(req, res, sim) : handleApi(req, res, sim));
    };
    handle().catch((err: unknown) => {
      log.error({ err, path: sim.path }, 'simulator request failed');
      if (!res.headersSent)
        sendReply(res, sim.method, errorsReply(500, 'internal_server_error', 'Internal Server Error'), {});
      else res.socket?.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(
        new AppError('USAGE', `start simulator: listen on ${host}:${options.port ?? 0}: ${err.message}`, {
          cause: err,
        }),
      ),
    );
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const runningUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: runningUrl,
    port,
    org: store.org,
    store,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    config: () => structuredClone(config),
    setConfig(partial) {
      try {
        setConfig(partial as Record<string, unknown>);
      } catch (err) {
        throw new AppError('USAGE', `configure simulator: ${(err as Error).message}`);
      }
    },
    close() {
      return new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function abortOnClose(res: http.ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => controller.abort());
  return controller.signal;
}
