/**
 * Hostile and malformed input against a real broker over raw sockets: each gets Kafka's answer
 * (an error code, or the connection closed) and the broker keeps serving other connections.
 */
import { expect } from 'chai';
import { createTopic, eventually, rawExchange, request, useCluster } from './support.js';
import { buildRecordBatch } from '../../lib/record/memory-records-builder.js';
import { CompressionType } from '../../lib/record/compression.js';
import { encodeRequest } from '../../lib/protocol/index.js';

function frameOf(payload: Buffer): Buffer {
  const b = Buffer.alloc(4 + payload.length);
  b.writeInt32BE(payload.length, 0);
  payload.copy(b, 4);
  return b;
}

/** Request header v1 (api key, version, correlation id, null client id) followed by `body`. */
function headerV1(apiKey: number, version: number, body = Buffer.alloc(0)): Buffer {
  const h = Buffer.alloc(10);
  h.writeInt16BE(apiKey, 0);
  h.writeInt16BE(version, 2);
  h.writeInt32BE(42, 4);
  h.writeInt16BE(-1, 8);
  return frameOf(Buffer.concat([h, body]));
}

describe('malformed and hostile requests', function () {
  this.timeout(60_000);
  const cluster = useCluster({ brokers: 1, overrides: { 'socket.request.max.bytes': 1_000_000, 'message.max.bytes': 10_000 } });
  const bootstrap = (): string => cluster().bootstrapServers[0]!;

  async function stillServing(): Promise<void> {
    const r = await request(bootstrap(), 18, 2, {});
    expect(r.errorCode).to.equal(0);
    expect(r.apiKeys.length).to.be.greaterThan(10);
  }

  it('closes a connection whose frame is larger than socket.request.max.bytes, and keeps serving others', async () => {
    const head = Buffer.alloc(4);
    head.writeInt32BE(1_000_001, 0);
    const r = await rawExchange(bootstrap(), Buffer.concat([head, Buffer.alloc(100)]));
    expect(r.closedByBroker).to.equal(true);
    expect(r.data.length).to.equal(0);
    await stillServing();
  });

  it('closes a connection that sends a truncated request header', async () => {
    const r = await rawExchange(bootstrap(), frameOf(Buffer.from([0, 3, 0])));
    expect(r.closedByBroker).to.equal(true);
    await stillServing();
  });

  it('closes a connection that sends an unknown api key', async () => {
    const r = await rawExchange(bootstrap(), headerV1(999, 0));
    expect(r.closedByBroker).to.equal(true);
    await stillServing();
  });

  it('closes a connection that sends an unsupported version of an API', async () => {
    const r = await rawExchange(bootstrap(), headerV1(3, 99));
    expect(r.closedByBroker).to.equal(true);
    await stillServing();
  });

  it('answers an ApiVersions request of an unknown version in v0 with UNSUPPORTED_VERSION and its ranges', async () => {
    // A flexible version, so request header v2: header v1 plus an empty tagged-field section.
    const r = await rawExchange(bootstrap(), headerV1(18, 99, Buffer.from([0])), 1000);
    expect(r.data.length).to.be.greaterThan(10);
    const size = r.data.readInt32BE(0);
    expect(r.data.readInt32BE(4)).to.equal(42); // correlation id, response header v0
    expect(r.data.readInt16BE(8)).to.equal(35); // UNSUPPORTED_VERSION
    const count = r.data.readInt32BE(10);
    expect(count).to.be.greaterThan(10);
    const keys = Array.from({ length: count }, (_, i) => r.data.readInt16BE(14 + i * 6));
    expect(keys).to.include.members([0, 1, 3, 18]);
    expect(size).to.equal(r.data.length - 4);
  });

  it('closes a connection whose request body does not decode', async () => {
    // Metadata v1 with an array count far beyond the bytes that follow.
    const body = Buffer.alloc(4);
    body.writeInt32BE(1_000_000, 0);
    const r = await rawExchange(bootstrap(), headerV1(3, 1, body));
    expect(r.closedByBroker).to.equal(true);
    await stillServing();
  });

  it('closes a connection whose CreateAcls names an unknown resource type, as Kafka\'s request parsing does', async () => {
    const frame = encodeRequest({ requestApiKey: 30, requestApiVersion: 3, correlationId: 5, clientId: 'bad-acl' }, {
      creations: [{ resourceType: 99, resourceName: 't', resourcePatternType: 3, principal: 'User:x', host: '*', operation: 3, permissionType: 3 }],
    });
    const r = await rawExchange(bootstrap(), frame);
    expect(r.closedByBroker).to.equal(true);
    expect(r.data.length).to.equal(0);
    await stillServing();
  });

  it('answers CORRUPT_MESSAGE for a batch whose CRC does not match', async () => {
    await createTopic(cluster(), 'bad-input', 1);
    const batch = buildRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('hello') }]);
    batch.writeUInt8(batch.readUInt8(batch.length - 3) ^ 0xff, batch.length - 3); // inside the CRC-covered records
    const r = await request(bootstrap(), 0, 7, { acks: 1, timeoutMs: 5000, topicData: [{ name: 'bad-input', partitionData: [{ index: 0, records: batch }] }] });
    expect(r.responses[0]!.partitionResponses[0]!.errorCode).to.equal(2);
    const ok = await request(bootstrap(), 0, 7, { acks: 1, timeoutMs: 5000, topicData: [{ name: 'bad-input', partitionData: [{ index: 0, records: buildRecordBatch([{ value: Buffer.from('fine') }]) }] }] });
    expect(ok.responses[0]!.partitionResponses[0]!.errorCode).to.equal(0);
    expect(ok.responses[0]!.partitionResponses[0]!.baseOffset).to.equal(0n);
  });

  it('answers MESSAGE_TOO_LARGE for a batch over message.max.bytes', async () => {
    const big = buildRecordBatch([{ value: Buffer.alloc(20_000, 1) }]);
    const r = await request(bootstrap(), 0, 7, { acks: 1, timeoutMs: 5000, topicData: [{ name: 'bad-input', partitionData: [{ index: 0, records: big }] }] });
    expect(r.responses[0]!.partitionResponses[0]!.errorCode).to.equal(10);
  });

  it('answers UNSUPPORTED_COMPRESSION_TYPE for a zstd batch on Produce v3-v6 and appends it on v7, as Kafka', async () => {
    await createTopic(cluster(), 'bad-input-zstd', 1);
    const zstd = buildRecordBatch([{ value: Buffer.from('z') }], { compression: CompressionType.ZSTD });
    const produce = (version: number) => request(bootstrap(), 0, version, { acks: 1, timeoutMs: 5000, topicData: [{ name: 'bad-input-zstd', partitionData: [{ index: 0, records: zstd }] }] });
    for (const version of [3, 6]) expect((await produce(version)).responses[0]!.partitionResponses[0]!.errorCode, `v${version}`).to.equal(76);
    const ok = (await produce(7)).responses[0]!.partitionResponses[0]!;
    expect([ok.errorCode, ok.baseOffset]).to.deep.equal([0, 0n]);
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for a partition that does not exist', async () => {
    const r = await request(bootstrap(), 0, 7, { acks: 1, timeoutMs: 5000, topicData: [{ name: 'bad-input', partitionData: [{ index: 9, records: buildRecordBatch([{ value: Buffer.from('x') }]) }] }] });
    expect(r.responses[0]!.partitionResponses[0]!.errorCode).to.equal(3);
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION to CreatePartitions of an illegal topic name, and logs no error', async () => {
    const broker = cluster().brokers[0]!;
    const errors: string[] = [];
    const unsubscribe = broker.onOutputLine((line) => {
      if (line.includes('"level":"error"')) errors.push(line);
    });
    try {
      const r = await request(bootstrap(), 37, 1, { topics: [{ name: '', count: 3, assignments: null }, { name: 'a/b', count: 3, assignments: null }], timeoutMs: 5000, validateOnly: false });
      expect(r.results.map((t) => t.errorCode)).to.deep.equal([3, 3]);
    } finally {
      unsubscribe();
    }
    expect(errors).to.deep.equal([]);
  });

  it('closes the connection of a failed acks=0 produce without logging an error', async () => {
    const broker = cluster().brokers[0]!;
    const errors: string[] = [];
    const unsubscribe = broker.onOutputLine((line) => {
      if (line.includes('"level":"error"')) errors.push(line);
    });
    try {
      const frame = encodeRequest({ requestApiKey: 0, requestApiVersion: 7, correlationId: 5, clientId: 'spec' }, {
        acks: 0, timeoutMs: 5000, transactionalId: null,
        topicData: [{ name: 'bad-input', partitionData: [{ index: 0, records: buildRecordBatch([{ value: Buffer.alloc(20_000) }]) }] }],
      });
      const r = await rawExchange(bootstrap(), frame);
      expect(r.closedByBroker).to.equal(true);
      expect(r.data.length).to.equal(0);
      await stillServing();
    } finally {
      unsubscribe();
    }
    expect(errors).to.deep.equal([]);
  });

  it('survives a burst of random garbage frames', async () => {
    let seed = 12345;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < 50; i++) {
      const valid = encodeRequest({ requestApiKey: 3, requestApiVersion: 1 + (i % 11), correlationId: i, clientId: 'fuzz' }, { topics: [{ name: 'bad-input' }] });
      const mutated = Buffer.from(valid);
      for (let j = 0; j < 3; j++) mutated[4 + Math.floor(rand() * (mutated.length - 4))] = Math.floor(rand() * 256);
      await rawExchange(bootstrap(), mutated, 200);
    }
    await stillServing();
  });

  it('logs a bounded number of WARN lines for 1,000 malformed frames, and how many it suppressed', async function () {
    this.timeout(120_000);
    const broker = cluster().brokers[0]!;
    const warnings: Array<{ msg: string; suppressed?: number }> = [];
    const unsubscribe = broker.onOutputLine((line) => {
      if (line.includes('"level":"warn"')) warnings.push(JSON.parse(line) as { msg: string; suppressed?: number });
    });
    const oversized = Buffer.alloc(4);
    oversized.writeInt32BE(2_000_000, 0);
    try {
      // 500 frames of an unknown api key and 500 frames over socket.request.max.bytes, one per connection.
      for (let round = 0; round < 10; round++) {
        await Promise.all(Array.from({ length: 100 }, (_, i) => rawExchange(bootstrap(), i % 2 === 0 ? headerV1(999, 0) : oversized, 5000)));
      }
      await stillServing();
      const accounted = (): number => warnings.reduce((n, w) => n + (w.suppressed ?? (/closing connection/.test(w.msg) ? 1 : 0)), 0);
      // Each repeat is either logged or counted in a later "suppressed N similar lines" line (which
      // may also count repeats from the tests before this one).
      await eventually(async () => accounted() >= 1000, 60_000, `1000 malformed frames accounted for in ${warnings.length} WARN lines`);
      expect(warnings.length, warnings.map((w) => w.msg).join('\n')).to.be.at.most(12);
      expect(warnings.some((w) => (w.suppressed ?? 0) > 0 && /^suppressed \d+ similar lines/.test(w.msg))).to.equal(true);
    } finally {
      unsubscribe();
    }
  });
});
