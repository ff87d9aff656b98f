/**
 * Bounds the server's connections, so a flood of half-open ones cannot take every file descriptor and starve the
 * probes and Prometheus: at most `max` connections in all and `perClient` from one address, and a connection
 * that has not sent a whole request header within `firstRequestMs` is closed (Node's `headersTimeout` starts only
 * at a request's first byte, so a silent connection would live on). At a cap, the connection idle longest — no
 * request in flight: half-open, or keep-alive between requests — is closed to make room (among that client's at
 * the per-client cap, among all at the total cap); only when all of those are busy is the new one refused. A real
 * client sends its request at once, so the connections closed are those that hold a slot without using it.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../log.js';

export interface ConnectionLimits {
  /** Connections at most, in all. */
  max: number;
  /** Connections at most from one client address; 0 for no such cap. */
  perClient: number;
  /** A connection without a whole request header after this long is closed. */
  firstRequestMs: number;
}

export interface ConnectionStats {
  open: number;
  /** New connections refused because every connection of that client was busy. */
  refusedPerClient: number;
  /** New connections refused because every connection was busy. */
  refusedTotal: number;
  /** Idle connections closed to make room for a new one. */
  evicted: number;
  /** Connections closed for sending no request header in time. */
  timedOut: number;
}

export type LimitReason = 'per_client' | 'total';

export interface ConnectionGuard {
  /** Starts watching `server`'s connections and requests. */
  attach(server: Server): void;
  stats(): ConnectionStats;
}

interface Tracked {
  client: string;
  /** Requests in flight. */
  busy: number;
  /** The socket requests arrive on (over HTTPS the TLS socket): bytes still queued on it mean it is in use. */
  stream?: Socket;
  /** Until the first request header arrived. */
  timer?: NodeJS.Timeout;
}

/**
 * The socket the 'connection' event gave: over HTTPS a request's socket is the TLSSocket wrapping it, which Node
 * links to it as `_parent` (node lib/_tls_wrap.js); without this a TLS connection would be closed as silent.
 */
function rawSocketOf(socket: Socket): Socket {
  return (socket as Socket & { _parent?: Socket | null })._parent ?? socket;
}

/** Insertion order is idle order: a connection moves to the end whenever its last request in flight ends. */
type Pool = Map<Socket, Tracked>;

class Guard implements ConnectionGuard {
  private readonly all: Pool = new Map();
  private readonly byClient = new Map<string, Pool>();
  private readonly counts = { refusedPerClient: 0, refusedTotal: 0, evicted: 0, timedOut: 0 };

  constructor(
    private readonly limits: ConnectionLimits,
    private readonly onLimit: (reason: LimitReason, stats: ConnectionStats) => void,
  ) {}

  attach(server: Server): void {
    // Node's own cap, a backstop above ours: sockets closed to make room are counted by Node until their close event
    server.maxConnections = this.limits.max + 64;
    server.on('connection', (socket: Socket) => this.admit(socket));
    server.on('request', (req: IncomingMessage, res: ServerResponse) =>
      this.started(rawSocketOf(req.socket), req.socket, res),
    );
  }

  stats(): ConnectionStats {
    return { open: this.all.size, ...this.counts };
  }

  private admit(socket: Socket): void {
    const client = socket.remoteAddress ?? '';
    const mine = this.byClient.get(client);
    const { max, perClient, firstRequestMs } = this.limits;
    if (perClient > 0 && mine && mine.size >= perClient && !this.evictIdle(mine)) {
      this.refuse(socket, 'per_client');
      return;
    }
    if (this.all.size >= max && !this.evictIdle(this.all)) {
      this.refuse(socket, 'total');
      return;
    }
    const tracked: Tracked = { client, busy: 0 };
    tracked.timer = setTimeout(() => {
      this.counts.timedOut += 1;
      socket.destroy();
    }, firstRequestMs);
    tracked.timer.unref();
    this.all.set(socket, tracked);
    this.byClient.set(client, (mine ?? new Map()).set(socket, tracked));
    socket.once('close', () => this.forget(socket));
  }

  /**
   * A request arrived. One already answered by the time the listeners after the handler run (the document fast
   * path answers at once) only moves its connection to the end of the idle order: the bytes it still sends are
   * seen as the socket's `writableLength`. Any other is busy until its response closes.
   */
  private started(socket: Socket, stream: Socket, res: ServerResponse): void {
    const tracked = this.all.get(socket);
    if (!tracked) return;
    if (tracked.timer) {
      clearTimeout(tracked.timer);
      delete tracked.timer;
      tracked.stream = stream;
    }
    if (res.writableEnded) {
      if (tracked.busy === 0) this.touch(socket, tracked);
      return;
    }
    tracked.busy += 1;
    res.once('close', () => {
      tracked.busy -= 1;
      if (tracked.busy === 0 && this.all.has(socket)) this.touch(socket, tracked);
    });
  }

  /** Moves the connection to the end of the idle order: it was the last to finish a request. */
  private touch(socket: Socket, tracked: Tracked): void {
    this.all.delete(socket);
    this.all.set(socket, tracked);
    const mine = this.byClient.get(tracked.client);
    mine?.delete(socket);
    mine?.set(socket, tracked);
  }

  /** Closes the connection of `pool` idle longest; false when every one has a request in flight. */
  private evictIdle(pool: Pool): boolean {
    for (const [socket, tracked] of pool) {
      if (tracked.busy > 0 || (tracked.stream?.writableLength ?? 0) > 0) continue;
      this.forget(socket);
      socket.destroy();
      this.counts.evicted += 1;
      this.onLimit(pool === this.all ? 'total' : 'per_client', this.stats());
      return true;
    }
    return false;
  }

  private refuse(socket: Socket, reason: LimitReason): void {
    socket.destroy();
    if (reason === 'per_client') this.counts.refusedPerClient += 1;
    else this.counts.refusedTotal += 1;
    this.onLimit(reason, this.stats());
  }

  private forget(socket: Socket): void {
    const tracked = this.all.get(socket);
    if (!tracked) return;
    clearTimeout(tracked.timer);
    this.all.delete(socket);
    const mine = this.byClient.get(tracked.client);
    mine?.delete(socket);
    if (mine?.size === 0) this.byClient.delete(tracked.client);
  }
}

export function createConnectionGuard(
  limits: ConnectionLimits,
  onLimit: (reason: LimitReason, stats: ConnectionStats) => void = () => undefined,
): ConnectionGuard {
  return new Guard(limits, onLimit);
}

/** The caps of `config` on `server`, with a `warn` at most once a minute while they are being hit. */
export function guardConnections(
  server: Server,
  config: { maxConnections: number; maxConnectionsPerClient: number },
  log: Logger,
  firstRequestMs: number,
): ConnectionGuard {
  let lastWarned = Number.NEGATIVE_INFINITY;
  const guard = createConnectionGuard(
    { max: config.maxConnections, perClient: config.maxConnectionsPerClient, firstRequestMs },
    (reason: LimitReason, stats) => {
      if (performance.now() - lastWarned < 60_000) return;
      lastWarned = performance.now();
      log.warn({ reason, ...stats }, 'connection limit reached: closing idle connections, refusing new ones');
    },
  );
  guard.attach(server);
  return guard;
}
