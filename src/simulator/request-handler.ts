/**
 * How the simulator answers one request: the configured latency, then the admin API under `/_sim/` or the API
 * (rate limit, basic auth, route, transient fault). Held requests end when the simulator closes.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Logger } from '../log.js';
import { ADMIN_ROUTES } from './admin-routes.js';
import { CLOUD_ROUTES } from './cloud-routes.js';
import { findCredentials, principalOf } from './credentials.js';
import { createFaultPicker, type FaultPicker, faultedReply } from './faults.js';
import { MetricsGate } from './metrics-gate.js';
import { METRICS_ROUTES } from './metrics-routes.js';
import type { OrgStore } from './org-store.js';
import { FixedWindowLimiter } from './rate-limit.js';
import {
  connectErrorReply,
  errorsReply,
  type Reply,
  type SimRequest,
  SimRequestError,
  UNAUTHORIZED_HEADER,
} from './reply.js';
import { createRouteContext, type RouteContext } from './route-context.js';
import { matchRoute, type Route, type RouteMatch, unmatchedReply } from './router.js';
import { readApiBody, readJsonBody, sendReply, sleepUnlessAborted } from './server-io.js';
import type { RuntimeSettings } from './sim-config.js';
import type { StatsRecorder } from './stats.js';

/** One organisation of the simulator and the API key that reaches it. */
export interface SimTenant {
  apiKey: string;
  apiSecret: string;
  store: OrgStore;
}

export interface HandlerDeps {
  /** One per organisation; the first is the default one (`--api-key`). */
  tenants: readonly SimTenant[];
  stats: StatsRecorder;
  settings: RuntimeSettings;
  /** Seeds the fault draws. */
  seed: number;
  clock: () => number;
  log: Logger;
  /** The simulator's own URL, for links when a request's Host header is missing or odd. */
  url: string;
}

const API_ROUTES: readonly Route<RouteContext>[] = [...CLOUD_ROUTES, ...METRICS_ROUTES];

function isAdminPath(path: string): boolean {
  return path === '/_sim' || path.startsWith('/_sim/');
}

function isMetricsPath(path: string): boolean {
  return path.startsWith('/v2/metrics/');
}

/** Response headers; a list is sent as several lines of one header (the two `rateLimit-*` sets). */
type ResponseHeaders = Record<string, string | string[]>;

/** The endpoint a request counts under in the stats: its route's template. */
function endpointOf(match: RouteMatch<unknown>): string {
  if (match.kind === 'none') return '(unmatched)';
  return match.kind === 'found' ? match.route.template : match.template;
}

function abortOnClose(res: http.ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => controller.abort());
  return controller.signal;
}

export class SimulatorHandler {
  private readonly limiter = new FixedWindowLimiter();
  private readonly gate: MetricsGate;
  private readonly pickFault: FaultPicker;
  private readonly closing = new AbortController();
  private readonly contexts: (SimTenant & { ctx: RouteContext })[];

  constructor(private readonly deps: HandlerDeps) {
    this.pickFault = createFaultPicker(deps.seed);
    this.gate = new MetricsGate(deps.settings, deps.stats);
    this.contexts = deps.tenants.map((t) => ({
      ...t,
      ctx: createRouteContext(t.store, deps.settings, deps.stats, this.gate),
    }));
  }

  /** The node:http request listener. */
  readonly listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    res.setHeader('X-Request-Id', randomUUID());
    const sim = this.simRequest(req);
    this.handle(req, res, sim).catch((err: unknown) => {
      this.deps.log.error({ err, path: sim.path }, 'simulator request failed');
      if (!res.headersSent)
        sendReply(res, sim.method, errorsReply(500, 'internal_server_error', 'Internal Server Error'), {});
      else res.socket?.destroy();
    });
  };

  /** Ends every held request: latency waits and `timeout` faults. */
  close(): void {
    this.closing.abort();
  }

  /** Forgets the Metrics API's windows and budgets. */
  resetLimits(): void {
    this.gate.reset();
  }

  private simRequest(req: http.IncomingMessage): SimRequest {
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const host = req.headers.host;
    return {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      params: {},
      baseUrl: host && /^[\w.:[\]-]+$/.test(host) ? `http://${host}` : this.deps.url,
      body: undefined,
      now: this.deps.clock(),
    };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse, sim: SimRequest): Promise<void> {
    const { latencyMs } = this.deps.settings.value;
    if (latencyMs > 0 && !(await sleepUnlessAborted(latencyMs, this.closing.signal))) {
      res.socket?.destroy();
      return;
    }
    sim.now = this.deps.clock();
    await (isAdminPath(sim.path) ? this.handleAdmin(req, res, sim) : this.handleApi(req, res, sim));
  }

  private async handleApi(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    sim: SimRequest,
  ): Promise<void> {
    const { stats, settings } = this.deps;
    const match = matchRoute(API_ROUTES, sim.method, sim.path);
    stats.request(endpointOf(match));
    const headers: ResponseHeaders = {};
    const answer = (reply: Reply) => {
      stats.status(reply.status);
      sendReply(res, sim.method, reply, headers);
    };
    const ctx = this.contextFor(req);
    const refusal = this.refuseApiRequest(sim, headers, ctx !== undefined);
    if (refusal || !ctx)
      return answer(refusal ?? errorsReply(401, 'user_unauthenticated', 'Authentication failed'));
    if (match.kind !== 'found') return answer(unmatchedReply(match));
    sim.params = match.params;
    if (isMetricsPath(sim.path)) {
      const ip = req.socket.remoteAddress ?? '';
      const principal = principalOf(req.headers.authorization);
      const gate = this.gate.admit({ req: sim, template: match.route.template, ip, principal });
      Object.assign(headers, gate.headers);
      if (gate.refusal) return answer(gate.refusal);
    }
    const body = await readApiBody(req, sim);
    if (body) return answer(body);
    const fault = this.pickFault(settings.value, sim.query.has('page_token'));
    if (fault) stats.fault(fault);
    if (fault === 'timeout') return this.holdAndDrop(res);
    answer(await faultedReply(fault, () => match.route.handler(sim, ctx)));
  }

  /** The 429 of the rate limit or the 401 of a bad key, if either applies; sets their headers. */
  private refuseApiRequest(
    sim: SimRequest,
    headers: ResponseHeaders,
    authorized: boolean,
  ): Reply | undefined {
    const { rateLimit } = this.deps.settings.value;
    if (rateLimit > 0) {
      const decision = this.limiter.take(sim.now, rateLimit);
      Object.assign(headers, decision.headers);
      if (!decision.allowed) return errorsReply(429, 'too_many_requests', 'Too Many Requests');
    }
    if (authorized) return undefined;
    headers['WWW-Authenticate'] = UNAUTHORIZED_HEADER;
    return sim.path.startsWith('/connect/')
      ? connectErrorReply(401, 'Unauthorized')
      : errorsReply(401, 'user_unauthenticated', 'Authentication failed');
  }

  /** A `timeout` fault: no answer; the socket is destroyed after the fault timeout (or at close). */
  private async holdAndDrop(res: http.ServerResponse): Promise<void> {
    const signal = AbortSignal.any([this.closing.signal, abortOnClose(res)]);
    await sleepUnlessAborted(this.deps.settings.value.faultTimeoutMs, signal);
    res.socket?.destroy();
  }

  /** The admin API: the same basic auth, never rate-limited, faulted or counted. */
  private async handleAdmin(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    sim: SimRequest,
  ): Promise<void> {
    const { rateLimit } = this.deps.settings.value;
    const headers = rateLimit > 0 ? this.limiter.peek(sim.now, rateLimit) : {};
    const answer = (reply: Reply) => sendReply(res, sim.method, reply, headers);
    const ctx = this.contextFor(req);
    if (!ctx) {
      headers['WWW-Authenticate'] = UNAUTHORIZED_HEADER;
      return answer(errorsReply(401, 'user_unauthenticated', 'Authentication failed'));
    }
    const match = matchRoute(ADMIN_ROUTES, sim.method, sim.path);
    if (match.kind !== 'found') return answer(unmatchedReply(match));
    sim.params = match.params;
    try {
      sim.body = await readJsonBody(req);
      answer(await match.route.handler(sim, ctx));
    } catch (err) {
      if (!(err instanceof SimRequestError)) throw err;
      answer(errorsReply(err.status, err.code, err.message));
    }
  }

  /** The organisation the request's key belongs to; undefined for a wrong or missing key. */
  private contextFor(req: http.IncomingMessage): RouteContext | undefined {
    return findCredentials(req.headers.authorization, this.contexts)?.ctx;
  }
}
