import { expect } from 'chai';
import net from 'node:net';
import { Connection, QUEUED_REQUESTS_PAUSE, type RequestHandler } from '../../lib/network/connection.js';
import { BufferPool } from '../../lib/utils/buffer-pool.js';
import { MemoryPool } from '../../lib/utils/memory-pool.js';
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
      connection = new Connection('c1', 'PLAINTEXT', socket, gate.handler, { maxRequestSize: 8 * 1024 * 1024, idleTimeoutMs: 60_000 }, logger('spec'));
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

  it('assembles large frames in its pool\'s buffers and returns those the handler calls reusable once handled', async () => {
    const pool = new BufferPool(8 * 1024 * 1024);
    const seen: Array<{ id: number; buffer: ArrayBufferLike; intact: boolean }> = [];
    const handler: RequestHandler = {
      async handle(f) {
        const id = f.readInt32BE(0);
        await new Promise((r) => setTimeout(r, 5));
        // Still this frame's bytes (not overwritten by a later frame) while it is being handled.
        seen.push({ id, buffer: f.buffer, intact: f.readInt32BE(0) === id && f.subarray(4).every((x) => x === 0x61) });
        const out = Buffer.alloc(8);
        out.writeInt32BE(4, 0);
        out.writeInt32BE(id, 4);
        return [out];
      },
      frameReusable: (f) => f.readInt32BE(0) % 2 === 0,
    };
    const poolServer = net.createServer((socket) => {
      connection = new Connection('c2', 'PLAINTEXT', socket, handler, { maxRequestSize: 8 * 1024 * 1024, idleTimeoutMs: 60_000, bufferPool: pool }, logger('spec'));
    });
    await new Promise<void>((resolve) => poolServer.listen(0, '127.0.0.1', resolve));
    try {
      const socket = net.connect((poolServer.address() as net.AddressInfo).port, '127.0.0.1');
      for (let i = 0; i < 6; i++) {
        const ids = readIds(socket, 1);
        socket.write(frame(i, 500_000));
        expect(await ids).to.deep.equal([i]);
        socket.removeAllListeners('data');
      }
      socket.destroy();
    } finally {
      await new Promise<void>((resolve) => poolServer.close(() => resolve()));
    }
    expect(seen.map((s) => s.id)).to.deep.equal([0, 1, 2, 3, 4, 5]);
    expect(seen.every((s) => s.intact)).to.equal(true);
    // Frame 0 was reusable, so frame 1 was assembled in its buffer; frame 1 was not, so frame 2
    // got a new one, which frame 3 reused after frame 2 was released.
    expect(seen[1]!.buffer).to.equal(seen[0]!.buffer);
    expect(seen[2]!.buffer).to.not.equal(seen[1]!.buffer);
    expect(seen[3]!.buffer).to.equal(seen[2]!.buffer);
  });

  it('gives a response\'s pooled chunks back once they are written, with their bytes sent intact', async () => {
    const pool = new BufferPool(8 * 1024 * 1024);
    const handler: RequestHandler = {
      async handle(f) {
        const body = pool.acquire(300_000);
        body.fill(0x62);
        body.writeInt32BE(f.readInt32BE(0), 0);
        const size = Buffer.alloc(4);
        size.writeInt32BE(body.length, 0);
        return [size, body];
      },
    };
    const poolServer = net.createServer((socket) => {
      connection = new Connection('c3', 'PLAINTEXT', socket, handler, { maxRequestSize: 1024, idleTimeoutMs: 60_000, bufferPool: pool }, logger('spec'));
    });
    await new Promise<void>((resolve) => poolServer.listen(0, '127.0.0.1', resolve));
    try {
      const socket = net.connect((poolServer.address() as net.AddressInfo).port, '127.0.0.1');
      for (const id of [41, 42]) {
        const got = new Promise<Buffer>((resolve) => {
          let buf = Buffer.alloc(0);
          const onData = (d: Buffer): void => {
            buf = Buffer.concat([buf, d]);
            if (buf.length >= 4 + 300_000) {
              socket.off('data', onData);
              resolve(buf);
            }
          };
          socket.on('data', onData);
        });
        socket.write(frame(id, 4));
        const response = await got;
        expect(response.readInt32BE(0)).to.equal(300_000);
        expect(response.readInt32BE(4)).to.equal(id);
        expect(response.subarray(8).every((x) => x === 0x62)).to.equal(true);
        // Returned to the pool (the second response reuses the first one's buffer).
        await new Promise((r) => setImmediate(r));
        expect(pool.retainedBytes).to.equal(512 * 1024);
      }
      socket.destroy();
    } finally {
      await new Promise<void>((resolve) => poolServer.close(() => resolve()));
    }
  });

  describe('with a MemoryPool (queued.max.request.bytes)', () => {
    it('stops reading a connection whose next frame the pool cannot supply, serves frames that fit, and reads it once memory is released', async () => {
      const pool = new MemoryPool(1024 * 1024);
      const held = gatedHandler();
      const connections: Connection[] = [];
      const poolServer = net.createServer((socket) => {
        connections.push(new Connection(`m${connections.length}`, 'PLAINTEXT', socket, held.handler, { maxRequestSize: 8 * 1024 * 1024, idleTimeoutMs: 60_000, memoryPool: pool }, logger('spec')));
      });
      await new Promise<void>((resolve) => poolServer.listen(0, '127.0.0.1', resolve));
      const port2 = (poolServer.address() as net.AddressInfo).port;
      const big = net.connect(port2, '127.0.0.1');
      const small = net.connect(port2, '127.0.0.1');
      try {
        const bigIds = readIds(big, 2);
        // Two 600 KB requests: the first is read (its memory taken when its size was read), the
        // second does not fit in what is left, so its connection is muted.
        big.write(Buffer.concat([frame(1, 600_000), frame(2, 600_000)]));
        await eventually(() => connections[0]?.isReadPaused === true && pool.usedMemory === 600_000);
        expect(connections[0]!.queuedRequests).to.equal(0);
        expect(pool.waiters).to.equal(1);
        // A request that fits is still read and queued on another connection.
        const smallIds = readIds(small, 1);
        small.write(frame(3, 1000));
        await eventually(() => pool.usedMemory === 601_000);
        held.release();
        expect(await bigIds).to.deep.equal([1, 2]);
        expect(await smallIds).to.deep.equal([3]);
        await eventually(() => pool.usedMemory === 0);
        expect(connections[0]!.isReadPaused).to.equal(false);
      } finally {
        big.destroy();
        small.destroy();
        for (const c of connections) c.close();
        await new Promise<void>((resolve) => poolServer.close(() => resolve()));
      }
    });

    it('gives back the memory of frames read in the same chunk as a bad size prefix', async () => {
      const pool = new MemoryPool(10 * 1024 * 1024);
      const held = gatedHandler();
      const poolServer = net.createServer((socket) => {
        new Connection('bad', 'PLAINTEXT', socket, held.handler, { maxRequestSize: 8 * 1024 * 1024, idleTimeoutMs: 60_000, memoryPool: pool }, logger('spec'));
      });
      await new Promise<void>((resolve) => poolServer.listen(0, '127.0.0.1', resolve));
      const client = net.connect((poolServer.address() as net.AddressInfo).port, '127.0.0.1');
      try {
        const closed = new Promise<void>((resolve) => client.on('close', () => resolve()));
        client.on('error', () => undefined);
        const bad = Buffer.alloc(4);
        bad.writeInt32BE(-1, 0);
        client.write(Buffer.concat([frame(1, 100), frame(2, 300), bad]));
        await closed;
        held.release();
        await eventually(() => pool.usedMemory === 0);
      } finally {
        client.destroy();
        await new Promise<void>((resolve) => poolServer.close(() => resolve()));
      }
    });

    it('gives a frame\'s memory back when the handler releases it, before the response is ready', async () => {
      const pool = new MemoryPool(10 * 1024 * 1024);
      let finish!: () => void;
      const answered = new Promise<void>((resolve) => (finish = resolve));
      let waiting!: () => void;
      const handled = new Promise<void>((resolve) => (waiting = resolve));
      const handler: RequestHandler = {
        async handle(f, _c, releaseFrame) {
          releaseFrame?.();
          waiting();
          await answered; // a request waiting in a purgatory
          const out = Buffer.alloc(8);
          out.writeInt32BE(4, 0);
          f.copy(out, 4, 0, 4);
          return [out];
        },
      };
      const poolServer = net.createServer((socket) => {
        new Connection('r', 'PLAINTEXT', socket, handler, { maxRequestSize: 8 * 1024 * 1024, idleTimeoutMs: 60_000, memoryPool: pool }, logger('spec'));
      });
      await new Promise<void>((resolve) => poolServer.listen(0, '127.0.0.1', resolve));
      const client = net.connect((poolServer.address() as net.AddressInfo).port, '127.0.0.1');
      try {
        const ids = readIds(client, 1);
        client.write(frame(9, 500_000));
        await handled;
        expect(pool.usedMemory).to.equal(0);
        expect(pool.tryAllocate(1000)).to.equal(true);
        finish();
        expect(await ids).to.deep.equal([9]);
        expect(pool.usedMemory).to.equal(1000); // the frame's memory was released once, not twice
      } finally {
        client.destroy();
        await new Promise<void>((resolve) => poolServer.close(() => resolve()));
      }
    });

    it('gives back the memory of a partly received frame and of queued frames when the connection closes', async () => {
      const pool = new MemoryPool(10 * 1024 * 1024);
      const held = gatedHandler();
      let conn: Connection | undefined;
      const poolServer = net.createServer((socket) => {
        conn = new Connection('p', 'PLAINTEXT', socket, held.handler, { maxRequestSize: 8 * 1024 * 1024, idleTimeoutMs: 60_000, memoryPool: pool }, logger('spec'));
      });
      await new Promise<void>((resolve) => poolServer.listen(0, '127.0.0.1', resolve));
      const client = net.connect((poolServer.address() as net.AddressInfo).port, '127.0.0.1');
      try {
        // One frame being handled, one queued, and the first bytes of a 5 MB one.
        client.write(Buffer.concat([frame(1, 100), frame(2, 100), frame(3, 5_000_000).subarray(0, 1000)]));
        await eventually(() => pool.usedMemory === 200 + 5_000_000);
        conn!.close();
        expect(pool.usedMemory).to.equal(100); // the one being handled, until its handler returns
        held.release();
        await eventually(() => pool.usedMemory === 0);
      } finally {
        client.destroy();
        await new Promise<void>((resolve) => poolServer.close(() => resolve()));
      }
    });
  });
});

async function eventually(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
