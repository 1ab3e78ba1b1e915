/**
 * Memory held by requests being read is bounded by queued.max.request.bytes (Kafka's MemoryPool):
 * connections that announce large frames are muted once the pool cannot supply their memory,
 * and the broker keeps serving everyone else.
 */
import { expect } from 'chai';
import net from 'node:net';
import { request, useCluster } from './support.js';

const MiB = 1024 * 1024;
const FRAME = 90 * MiB;
const CONNECTIONS = 20;
/** The default queued.max.request.bytes (kafkats bounds it; Kafka's default is unbounded). */
const POOL = 100 * MiB;

/**
 * Opens a connection, announces a FRAME-byte request and sends all but its last MiB, as fast as
 * the broker reads it. Resolves with the bytes sent once the broker stops reading (no 'drain'
 * for `stallMs`) or everything but the last MiB is out; the socket stays open.
 */
function sendStartOfLargeFrame(port: number, chunk: Buffer, stallMs: number): Promise<{ socket: net.Socket; sent: number }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', reject);
    socket.on('connect', () => {
      const head = Buffer.alloc(4);
      head.writeInt32BE(FRAME, 0);
      socket.write(head);
      let sent = 0;
      const pump = (): void => {
        while (sent < FRAME - MiB) {
          sent += chunk.length;
          if (!socket.write(chunk)) {
            const timer = setTimeout(() => {
              socket.off('drain', pump);
              resolve({ socket, sent });
            }, stallMs);
            socket.once('drain', () => {
              clearTimeout(timer);
              pump();
            });
            return;
          }
        }
        resolve({ socket, sent });
      };
      pump();
    });
  });
}

describe('memory of requests being read (queued.max.request.bytes)', function () {
  this.timeout(180_000);
  const cluster = useCluster({ brokers: 1 });

  it(`keeps broker RSS within the pool bound while ${CONNECTIONS} connections each send most of a 90 MB frame, and serves other clients`, async () => {
    const broker = cluster().brokers[0]!;
    const bootstrap = broker.bootstrap;
    const before = broker.rssBytes()!;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, broker.rssBytes() ?? 0)), 50);
    const chunk = Buffer.alloc(MiB);
    const sockets: net.Socket[] = [];
    try {
      const started = await Promise.all(Array.from({ length: CONNECTIONS }, () => sendStartOfLargeFrame(broker.port, chunk, 3000)));
      sockets.push(...started.map((s) => s.socket));
      // Other clients are still answered while those frames are held.
      const versions = await request(bootstrap, 18, 2, {});
      expect(versions.errorCode).to.equal(0);
      const meta = await request(bootstrap, 3, 1, { topics: [] });
      expect(meta.brokers.map((b) => b.nodeId)).to.deep.equal([0]);
      peak = Math.max(peak, broker.rssBytes() ?? 0);
      const grown = peak - before;
      // One frame's memory (≤ the pool) plus slack for the broker's own work; unbounded reading
      // holds all twenty (~1.8 GB).
      expect(grown, `RSS grew by ${(grown / MiB).toFixed(0)} MiB (from ${(before / MiB).toFixed(0)} MiB)`).to.be.below(POOL + 100 * MiB);
      expect(peak).to.be.below(POOL + 300 * MiB);
    } finally {
      clearInterval(sampler);
      for (const s of sockets) s.destroy();
    }
    // Closing the connections gives their memory back.
    const again = await request(bootstrap, 18, 2, {});
    expect(again.errorCode).to.equal(0);
    expect(broker.isRunning).to.equal(true);
  });
});
