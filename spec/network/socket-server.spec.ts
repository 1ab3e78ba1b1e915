import { expect } from 'chai';
import net from 'node:net';
import { SocketServer } from '../../lib/network/socket-server.js';
import type { RequestHandler } from '../../lib/network/connection.js';
import { NetworkClient } from '../../lib/network/network-client.js';
import { pino } from 'pino';
import { rootLogger, setRootLogger } from '../../lib/utils/logger.js';

// The handler answers each frame with its own bytes reversed after the 4-byte correlation id,
// after a delay that shrinks with the request number, so out-of-order completion would show.
function sized(payload: Buffer): Buffer[] {
  const head = Buffer.alloc(4);
  head.writeInt32BE(payload.length, 0);
  return [head, payload];
}

const handler: RequestHandler = {
  async handle(frame) {
    const body = frame.subarray(4).toString();
    if (body === 'boom') throw new Error('malformed');
    if (body === 'silent') return null;
    const n = frame.readInt32BE(0);
    await new Promise((r) => setTimeout(r, Math.max(0, 20 - n)));
    return sized(Buffer.concat([frame.subarray(0, 4), Buffer.from(body.split('').reverse().join(''))]));
  },
};

function request(correlationId: number, body: string): Buffer {
  const payload = Buffer.concat([Buffer.alloc(4), Buffer.from(body)]);
  payload.writeInt32BE(correlationId, 0);
  return Buffer.concat(sized(payload));
}

async function readFrames(socket: net.Socket, count: number): Promise<Buffer[]> {
  const frames: Buffer[] = [];
  let buf = Buffer.alloc(0);
  return new Promise((resolve, reject) => {
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        frames.push(buf.subarray(4, 4 + buf.readInt32BE(0)));
        buf = buf.subarray(4 + buf.readInt32BE(0));
      }
      if (frames.length === count) resolve(frames);
    });
    socket.on('error', reject);
  });
}

describe('SocketServer and Connection', () => {
  let server: SocketServer;
  let port: number;

  beforeEach(async () => {
    server = new SocketServer([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 0 }], handler, {
      maxRequestSize: 1024,
      queuedMaxRequestBytes: 64 * 1024,
      idleTimeoutMs: 60_000,
    });
    await server.startup();
    port = server.boundListeners[0]!.boundPort;
  });

  afterEach(async () => {
    await server.shutdown();
  });

  it('answers pipelined requests in the order they were sent', async () => {
    const socket = net.connect(port, '127.0.0.1');
    const got = readFrames(socket, 10);
    socket.write(Buffer.concat(Array.from({ length: 10 }, (_, i) => request(i, `req-${i}`))));
    const frames = await got;
    expect(frames.map((f) => f.readInt32BE(0))).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(frames[3]!.subarray(4).toString()).to.equal('3-qer');
    socket.destroy();
  });

  it('sends nothing for a request that needs no response and keeps serving the connection', async () => {
    const socket = net.connect(port, '127.0.0.1');
    const got = readFrames(socket, 1);
    socket.write(Buffer.concat([request(1, 'silent'), request(2, 'ab')]));
    const [f] = await got;
    expect(f!.readInt32BE(0)).to.equal(2);
    socket.destroy();
  });

  it('closes only the connection that sent an oversized frame', async () => {
    const bad = net.connect(port, '127.0.0.1');
    const good = net.connect(port, '127.0.0.1');
    const closed = new Promise<void>((resolve) => bad.on('close', () => resolve()));
    bad.on('error', () => undefined);
    const head = Buffer.alloc(4);
    head.writeInt32BE(1_000_000, 0);
    bad.write(head);
    await closed;
    const got = readFrames(good, 1);
    good.write(request(5, 'xyz'));
    expect((await got)[0]!.subarray(4).toString()).to.equal('zyx');
    good.destroy();
  });

  it('closes a connection whose request handler throws, and no other', async () => {
    const bad = net.connect(port, '127.0.0.1');
    const closed = new Promise<void>((resolve) => bad.on('close', () => resolve()));
    bad.write(request(1, 'boom'));
    await closed;
    const client = new NetworkClient({ host: '127.0.0.1', port }, { requestTimeoutMs: 2000, connectTimeoutMs: 2000, maxResponseSize: 1024 });
    const resp = await client.send(9, [request(9, 'ok')]);
    expect(resp!.subarray(4).toString()).to.equal('ko');
    client.close();
  });

  it('logs connections closed after failed requests rate-limited across connections', async () => {
    const lines: string[] = [];
    const previous = rootLogger();
    setRootLogger(pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }));
    const logged = new SocketServer([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 0 }], handler, { maxRequestSize: 1024, queuedMaxRequestBytes: 64 * 1024, idleTimeoutMs: 60_000 });
    try {
      await logged.startup();
      for (let i = 0; i < 20; i++) {
        const bad = net.connect(logged.boundListeners[0]!.boundPort, '127.0.0.1');
        const closed = new Promise<void>((resolve) => bad.on('close', () => resolve()));
        bad.write(request(1, 'boom'));
        await closed;
      }
    } finally {
      await logged.shutdown();
      setRootLogger(previous);
    }
    const closing = lines.filter((l) => l.includes('closing connection after a failed request'));
    // One line, and the count of the others written when the server shuts down.
    expect(closing).to.have.length(2);
    expect(closing[0]).to.not.include('suppressed');
    expect(closing[1]).to.include('suppressed 19 similar lines');
  });

  it('NetworkClient matches concurrent responses by correlation id and fails pending ones on disconnect', async () => {
    const client = new NetworkClient({ host: '127.0.0.1', port }, { requestTimeoutMs: 2000, connectTimeoutMs: 2000, maxResponseSize: 1024 });
    const rs = await Promise.all([1, 2, 3].map((i) => client.send(i, [request(i, `m${i}`)])));
    expect(rs.map((r) => r!.subarray(4).toString())).to.deep.equal(['1m', '2m', '3m']);
    const pending = client.send(50, [request(50, 'slow')]);
    client.disconnect();
    let failed: unknown;
    try {
      await pending;
    } catch (err) {
      failed = err;
    }
    expect((failed as { code?: number }).code).to.equal(13); // NETWORK_EXCEPTION
    client.close();
  });

  it('NetworkClient fails a request that times out before its connection is up, without an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    const client = new NetworkClient({ host: '127.0.0.1', port }, { requestTimeoutMs: 20, connectTimeoutMs: 5000, maxResponseSize: 1024 });
    try {
      const sent = client.send(3, [request(3, 'late')]);
      // The event loop is busy past the request timeout while the connection is being made.
      const until = Date.now() + 100;
      while (Date.now() < until) { /* busy */ }
      const err = await sent.then(() => null, (e: unknown) => e);
      expect((err as { code?: number } | null)?.code).to.equal(7); // REQUEST_TIMED_OUT
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).to.deep.equal([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      client.close();
    }
  });
});

describe('SocketServer connection quotas (max.connections, max.connections.per.ip)', () => {
  let server: SocketServer;
  let port: number;

  beforeEach(async () => {
    server = new SocketServer([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 0 }], handler, { maxRequestSize: 1024, queuedMaxRequestBytes: 64 * 1024, idleTimeoutMs: 60_000 });
    await server.startup();
    port = server.boundListeners[0]!.boundPort;
  });

  afterEach(async () => {
    await server.shutdown();
  });

  const connect = async (): Promise<net.Socket> => {
    const s = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => s.once('connect', resolve));
    return s;
  };
  const closedByBroker = (s: net.Socket, ms = 1000): Promise<boolean> => new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    s.once('close', () => {
      clearTimeout(t);
      resolve(true);
    });
  });

  it('closes a connection past the per-address limit at once; a new limit applies to new connections', async () => {
    server.reconfigureConnectionQuotas({ maxConnectionsPerIp: 1, maxConnectionsPerIpOverrides: new Map(), maxConnections: 1000 });
    const first = await connect();
    const second = await connect();
    expect(await closedByBroker(second)).to.equal(true);
    expect(await closedByBroker(first, 200)).to.equal(false);
    server.reconfigureConnectionQuotas({ maxConnectionsPerIp: 1, maxConnectionsPerIpOverrides: new Map([['127.0.0.1', 2]]), maxConnections: 1000 });
    const third = await connect();
    const got = readFrames(third, 1);
    third.write(request(5, 'ok'));
    expect((await got)[0]!.subarray(4).toString()).to.equal('ko');
    for (const s of [first, third]) s.destroy();
  });

  it('holds a connection past max.connections unread until another closes', async () => {
    server.reconfigureConnectionQuotas({ maxConnectionsPerIp: 1000, maxConnectionsPerIpOverrides: new Map(), maxConnections: 1 });
    const first = await connect();
    const second = await connect();
    const got = readFrames(second, 1);
    second.write(request(7, 'wait'));
    const answered = await Promise.race([got.then(() => true), new Promise((r) => setTimeout(() => r(false), 300))]);
    expect(answered, 'no answer while the broker is full').to.equal(false);
    first.destroy();
    expect((await got)[0]!.subarray(4).toString()).to.equal('tiaw');
    second.destroy();
  });
});
