import { expect } from 'chai';
import net from 'node:net';
import { Connection, QUEUED_REQUESTS_PAUSE, type RequestHandler } from '../../lib/network/connection.js';
import { logger } from '../../lib/utils/logger.js';

function frame(correlationId: number, size: number): Buffer {
  const b = Buffer.alloc(4 + size, 0x61);
  b.writeInt32BE(size, 0);
  b.writeInt32BE(correlationId, 4);
  return b;
}

/** Answers each request with its 4-byte correlation id, once `open` resolves. */
function gatedHandler(): { handler: RequestHandler; release: () => void; handled: () => number } {
  let release!: () => void;
  const open = new Promise<void>((resolve) => (release = resolve));
  let handled = 0;
  const handler: RequestHandler = {
    async handle(f) {
      await open;
      handled++;
      const out = Buffer.alloc(8);
      out.writeInt32BE(4, 0);
      f.copy(out, 4, 0, 4);
      return [out];
    },
  };
  return { handler, release, handled: () => handled };
}

function readIds(socket: net.Socket, count: number): Promise<number[]> {
  const ids: number[] = [];
  let buf = Buffer.alloc(0);
  return new Promise((resolve, reject) => {
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 8) {
        ids.push(buf.readInt32BE(4));
        buf = buf.subarray(8);
      }
      if (ids.length === count) resolve(ids);
    });
    socket.on('error', reject);
  });
}

describe('Connection', () => {
  let server: net.Server;
  let port: number;
  let connection: Connection | undefined;
  let gate: ReturnType<typeof gatedHandler>;

  beforeEach(async () => {
    gate = gatedHandler();
    connection = undefined;
    server = net.createServer((socket) => {
      connection = new Connection('c1', 'PLAINTEXT', socket, gate.handler, { maxRequestSize: 8 * 1024 * 1024, maxQueuedBytes: 100 * 1024 * 1024, idleTimeoutMs: 60_000 }, logger('spec'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });

  afterEach(async () => {
    gate.release();
    connection?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('stops reading while a pipelined backlog is over its budget, and answers all of it in order afterwards', async () => {
    const socket = net.connect(port, '127.0.0.1');
    const count = 300;
    const ids = readIds(socket, count);
    // 300 requests of 10 KB (3 MB) sent at once while the first one is still being handled.
    socket.write(Buffer.concat(Array.from({ length: count }, (_, i) => frame(i, 10_000))));
    await new Promise((r) => setTimeout(r, 300));
    expect(connection).to.not.equal(undefined);
    expect(connection!.isReadPaused).to.equal(true);
    // Far fewer than 300 requests sit in the heap: the rest wait in the kernel's socket buffers.
    expect(connection!.queuedRequests).to.be.at.least(1).and.below(QUEUED_REQUESTS_PAUSE + 10);
    gate.release();
    expect(await ids).to.deep.equal(Array.from({ length: count }, (_, i) => i));
    expect(connection!.isReadPaused).to.equal(false);
    socket.destroy();
  });

  it('reads a single request larger than the byte budget whole and answers it', async () => {
    gate.release();
    const socket = net.connect(port, '127.0.0.1');
    const ids = readIds(socket, 2);
    socket.write(Buffer.concat([frame(7, 3 * 1024 * 1024), frame(8, 10)]));
    expect(await ids).to.deep.equal([7, 8]);
    socket.destroy();
  });
});
