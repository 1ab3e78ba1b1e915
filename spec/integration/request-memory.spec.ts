/**
 * Memory held by requests being read is bounded by queued.max.request.bytes (Kafka's MemoryPool):
 * connections that announce large frames are muted once the pool cannot supply their memory,
 * and the broker keeps serving everyone else.
 */
import { expect } from 'chai';
import net from 'node:net';
import { createTopic, eventually, request, useCluster } from './support.js';
import { encodeRequest } from '../../lib/protocol/index.js';
import { findFreePort } from '../../lib/testing/zookeeper-runner.js';
import { buildRecordBatch } from '../../lib/record/memory-records-builder.js';

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

describe('memory of requests waiting for their response', function () {
  this.timeout(120_000);
  // A 1 MB pool, JoinGroups that wait 60 s for the group's first rebalance, metrics on a known port.
  const overrides: Record<string, number> = {
    'socket.request.max.bytes': 1_000_000, 'queued.max.request.bytes': 1_000_000, 'message.max.bytes': 1_000_000, 'group.initial.rebalance.delay.ms': 60_000,
  };
  before(async () => {
    overrides['kafkats.metrics.port'] = await findFreePort();
  });
  const cluster = useCluster({ brokers: 1, overrides });

  async function delayedFetches(): Promise<number> {
    const text = await (await fetch(`http://localhost:${overrides['kafkats.metrics.port']}/metrics`)).text();
    const m = /^kafka_server_delayedoperationpurgatory_numdelayedoperations\{delayedOperation="Fetch"\} (\S+)/m.exec(text);
    if (!m) throw new Error('no delayed fetch gauge in /metrics');
    return Number(m[1]);
  }

  it('drops the delayed fetches of connections that closed, instead of keeping them for their max wait', async () => {
    const bootstrap = cluster().bootstrapServers[0]!;
    await createTopic(cluster(), 'long-polls', 1);
    const port = cluster().brokers[0]!.port;
    // Fetches that would wait 24 days for 2 GB that never come.
    const longPoll = encodeRequest({ requestApiKey: 1, requestApiVersion: 4, correlationId: 1, clientId: 'spec' }, {
      replicaId: -1, maxWaitMs: 2_147_483_647, minBytes: 2_147_483_647, maxBytes: 1_000_000, isolationLevel: 0,
      topics: [{ topic: 'long-polls', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 100_000 }] }],
    });
    const sockets = Array.from({ length: 200 }, () => {
      const s = net.connect(port, '127.0.0.1');
      s.on('error', () => undefined);
      s.write(longPoll);
      return s;
    });
    await eventually(async () => (await delayedFetches()) >= 200, 20_000, '200 delayed fetches');
    for (const s of sockets) s.destroy();
    await eventually(async () => (await delayedFetches()) === 0, 20_000, 'the delayed fetches of closed connections dropped');
    expect((await request(bootstrap, 18, 2, {})).errorCode).to.equal(0);
  });

  it('gives a decoded request\'s memory back while it waits in a purgatory, so later requests are read', async () => {
    const bootstrap = cluster().bootstrapServers[0]!;
    await createTopic(cluster(), 'after-joins', 1);
    const port = cluster().brokers[0]!.port;
    // Four JoinGroups of 150 KB each (600 KB of the 1 MB pool) that stay unanswered.
    for (let i = 0; i < 4; i++) {
      await eventually(async () => (await request(bootstrap, 10, 1, { key: `waiting-${i}`, keyType: 0 })).errorCode === 0, 30_000, 'a loaded group coordinator');
    }
    const waiting: net.Socket[] = [];
    const answered: number[] = [];
    for (let i = 0; i < 4; i++) {
      const join = encodeRequest({ requestApiKey: 11, requestApiVersion: 3, correlationId: i, clientId: 'spec' }, {
        groupId: `waiting-${i}`, sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 60_000, memberId: '', protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: Buffer.alloc(150_000, 1) }],
      });
      const s = net.connect(port, '127.0.0.1');
      s.on('error', () => undefined);
      s.on('data', () => answered.push(i));
      s.write(join);
      waiting.push(s);
    }
    try {
      await new Promise((r) => setTimeout(r, 1000));
      // A 500 KB produce fits only if the waiting JoinGroups no longer hold their frames' memory.
      const produced = await Promise.race([
        request(bootstrap, 0, 7, { acks: 1, timeoutMs: 5000, topicData: [{ name: 'after-joins', partitionData: [{ index: 0, records: buildRecordBatch([{ value: Buffer.alloc(500_000, 2) }]) }] }] }),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 15_000)),
      ]);
      expect(answered, 'JoinGroups answered early').to.deep.equal([]);
      expect(produced, 'the produce request was not read within 15 s').to.not.equal(null);
      expect(produced!.responses[0]!.partitionResponses[0]!.errorCode).to.equal(0);
    } finally {
      for (const s of waiting) s.destroy();
    }
  });
});
