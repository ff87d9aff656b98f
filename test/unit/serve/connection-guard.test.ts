/** The connection caps over real loopback sockets: who is closed at a cap, who is refused, and when. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type ConnectionLimits, createConnectionGuard } from '../../../src/serve/connection-guard.js';
import { waitFor } from '../../helpers/poll.js';

interface Rig {
  port: number;
  guard: ReturnType<typeof createConnectionGuard>;
  /** Responses held open until released (a request in flight). */
  held: http.ServerResponse[];
  hold: boolean;
  /** Answer with this body, ended at once as the document fast path does, instead of `ok`. */
  body?: Buffer;
  /** Connections the server has seen, and responses it has finished (each after the guard saw it). */
  seen: number;
  finished: number;
  connect(from: string): Promise<net.Socket & { gone: boolean }>;
  close(): Promise<void>;
}

async function startRig(limits: Partial<ConnectionLimits>): Promise<Rig> {
  const guard = createConnectionGuard({ max: 100, perClient: 0, firstRequestMs: 60_000, ...limits });
  const sockets: net.Socket[] = [];
  const rig: Rig = {
    port: 0,
    guard,
    held: [],
    hold: false,
    seen: 0,
    finished: 0,
    async connect(from) {
      const before = rig.seen;
      const socket = net.connect({ host: '127.0.0.1', port: rig.port, localAddress: from }) as net.Socket & {
        gone: boolean;
      };
      socket.gone = false;
      sockets.push(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        socket.gone = true;
      });
      await waitFor(() => rig.seen > before, 'the server to see the connection');
      return socket;
    },
    async close() {
      for (const s of sockets) s.destroy();
      for (const r of rig.held) r.end();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server = http.createServer((_req, res) => {
    if (rig.hold) rig.held.push(res);
    else res.end(rig.body ?? 'ok');
  });
  guard.attach(server);
  // listeners after the guard's: they run once it has counted the connection or the response
  server.on('connection', () => {
    rig.seen += 1;
  });
  server.on('request', (_req, res) => {
    res.once('close', () => {
      rig.finished += 1;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  rig.port = (server.address() as AddressInfo).port;
  return rig;
}

/** Sends one request on `socket` and waits for the whole answer (keep-alive: the socket stays open). */
function request(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    socket.once('data', () => resolve());
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  });
}

test('per client: the client’s connection idle longest makes room; others are untouched', async () => {
  const rig = await startRig({ perClient: 2 });
  try {
    const a = await rig.connect('127.0.0.2');
    const b = await rig.connect('127.0.0.2');
    const other = await rig.connect('127.0.0.3');
    const c = await rig.connect('127.0.0.2');
    await waitFor(() => a.gone, 'the oldest idle connection of 127.0.0.2 closed');
    assert.equal([b.gone, c.gone, other.gone], [false, false, false]);
    assert.equal(rig.guard.stats(), {
      open: 3,
      refusedPerClient: 0,
      refusedTotal: 0,
      evicted: 1,
      timedOut: 0,
    });
  } finally {
    await rig.close();
  }
});

test('a connection with a request in flight is never closed: the new one is refused', async () => {
  const rig = await startRig({ perClient: 2 });
  try {
    rig.hold = true;
    const a = await rig.connect('127.0.0.2');
    const b = await rig.connect('127.0.0.2');
    a.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    b.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => rig.held.length === 2, 'two requests in flight');
    const c = await rig.connect('127.0.0.2');
    await waitFor(() => c.gone, 'the new connection refused');
    assert.equal([a.gone, b.gone], [false, false]);
    assert.equal(rig.guard.stats(), {
      open: 2,
      refusedPerClient: 1,
      refusedTotal: 0,
      evicted: 0,
      timedOut: 0,
    });
  } finally {
    await rig.close();
  }
});

test('an answer ended at once but still being sent keeps its connection: the new one is refused', async () => {
  const rig = await startRig({ perClient: 1 });
  try {
    // more than loopback's socket buffers hold, to a client that does not read
    rig.body = Buffer.alloc(64 * 1024 * 1024);
    const slow = await rig.connect('127.0.0.2');
    slow.pause();
    slow.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => rig.guard.stats().open === 1 && rig.seen === 1, 'the request to arrive');
    await new Promise((r) => setTimeout(r, 100));
    const next = await rig.connect('127.0.0.2');
    await waitFor(() => next.gone, 'the new connection refused');
    assert.is(slow.gone, false);
    assert.is(rig.guard.stats().refusedPerClient, 1);
    assert.is(rig.guard.stats().evicted, 0);
  } finally {
    await rig.close();
  }
});

test('in all: the connection idle longest goes, and a finished request makes a connection young again', async () => {
  const rig = await startRig({ max: 3 });
  try {
    const a = await rig.connect('127.0.0.2');
    const b = await rig.connect('127.0.0.3');
    const c = await rig.connect('127.0.0.4');
    await request(a);
    await waitFor(() => rig.finished === 1, 'the response to a finished');
    const d = await rig.connect('127.0.0.5');
    await waitFor(() => b.gone, 'b, idle longest since a answered a request, closed');
    assert.equal([a.gone, c.gone, d.gone], [false, false, false]);
    const e = await rig.connect('127.0.0.6');
    await waitFor(() => c.gone, 'then c');
    assert.equal([a.gone, d.gone, e.gone], [false, false, false]);
    assert.equal(rig.guard.stats(), {
      open: 3,
      refusedPerClient: 0,
      refusedTotal: 0,
      evicted: 2,
      timedOut: 0,
    });
  } finally {
    await rig.close();
  }
});

test('a connection that sends no request header in time is closed; one that did is not', async () => {
  const rig = await startRig({ firstRequestMs: 150 });
  try {
    const silent = await rig.connect('127.0.0.2');
    const halfOpen = await rig.connect('127.0.0.2');
    halfOpen.write('GET / HTTP/1.1\r\nHost: x\r\n');
    const asked = await rig.connect('127.0.0.2');
    const askedAt = performance.now();
    await request(asked);
    await waitFor(() => silent.gone && halfOpen.gone, 'the silent and the half-open connection closed');
    // well past the moment its own timer would have closed it
    await waitFor(() => performance.now() > askedAt + 400, 'the clock');
    assert.is(asked.gone, false);
    assert.is(rig.guard.stats().timedOut, 2);
  } finally {
    await rig.close();
  }
});

test.run();
