/**
 * The fuzzer's seed requests (payloads without the size prefix), from two sources:
 * - encoded: one request with random field values for every api key and version, encoded by
 *   lib/protocol's codec (the controller-to-broker requests carry stale epochs, so that a valid
 *   one is refused as a stale controller's would be instead of rewriting the broker's state);
 *   plus Produce requests with real record batches (every codec, legacy message sets) and a few
 *   compression bombs for the fuzz topic.
 * - captured: every request kafkajs sends during a short session (admin, producer, group consumer)
 *   against the broker, tapped from its sockets.
 */
import net from 'node:net';
import { Kafka, logLevel, CompressionTypes } from 'kafkajs';
import { ALL_API_KEYS, ApiKeys, apiMessageType, encodeRequest, type RequestApiKey } from '../../lib/protocol/index.js';
import { CompressionType } from '../../lib/record/compression.js';
import { buildLegacyMessageSet } from '../../lib/record/legacy-record.js';
import { buildRecordBatch } from '../../lib/record/memory-records-builder.js';
import { randomMessage, versionsOf, type Rng } from '../../spec/protocol/support/random-values.js';
import { gzipBombBatch } from './compression-bomb.js';

export interface SeedRequest {
  /** Where it comes from: `encoded`, `captured`, `produce`, `bomb`. */
  source: string;
  apiKey: number;
  payload: Buffer;
}

const CLUSTER_ACTIONS = new Set<number>([ApiKeys.LEADER_AND_ISR, ApiKeys.STOP_REPLICA, ApiKeys.UPDATE_METADATA, ApiKeys.CONTROLLED_SHUTDOWN]);

function payloadOf(apiKey: number, version: number, body: Record<string, unknown>, correlationId: number): Buffer {
  return encodeRequest({ requestApiKey: apiKey as RequestApiKey, requestApiVersion: version, correlationId, clientId: 'fuzz' }, body as never).subarray(4);
}

/** `perVersion` random requests for every api key and version the codec knows. */
export function encodedCorpus(rng: Rng, perVersion = 2): SeedRequest[] {
  const out: SeedRequest[] = [];
  let correlationId = 1;
  for (const apiKey of ALL_API_KEYS) {
    const t = apiMessageType(apiKey);
    for (const version of versionsOf(t.requestSpec)) {
      for (let i = 0; i < perVersion; i++) {
        const body = randomMessage(rng, t.requestSpec, version);
        if (CLUSTER_ACTIONS.has(apiKey)) Object.assign(body, { controllerEpoch: 0, brokerEpoch: 0n, brokerId: 999 });
        out.push({ source: 'encoded', apiKey, payload: payloadOf(apiKey, version, body, correlationId++) });
      }
    }
  }
  return out;
}

/** Produce requests of real batches (v2 with every codec, legacy v0/v1 sets) to `topic`. */
export function produceCorpus(topic: string, partitions: number): SeedRequest[] {
  const out: SeedRequest[] = [];
  const records = Array.from({ length: 20 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.alloc(100, 97 + (i % 26)) }));
  let correlationId = 100_000;
  const add = (version: number, acks: number, recordsBytes: Buffer, partition: number): void => {
    const body = { acks, timeoutMs: 5000, transactionalId: null, topicData: [{ name: topic, partitionData: [{ index: partition, records: recordsBytes }] }] };
    out.push({ source: 'produce', apiKey: ApiKeys.PRODUCE, payload: payloadOf(ApiKeys.PRODUCE, version, body, correlationId++) });
  };
  for (const codec of [CompressionType.NONE, CompressionType.GZIP, CompressionType.SNAPPY, CompressionType.LZ4, CompressionType.ZSTD]) {
    for (const version of [3, 7, 9]) add(version, version === 3 ? 0 : 1, buildRecordBatch(records, { compression: codec }), version % partitions);
  }
  for (const magic of [0, 1] as const) {
    for (const codec of [CompressionType.NONE, CompressionType.GZIP, CompressionType.LZ4]) {
      add(magic === 0 ? 1 : 2, 1, buildLegacyMessageSet(records, { magic, compression: codec }), magic % partitions);
    }
  }
  return out;
}

/**
 * Produce requests whose gzip batch inflates to `inflatedBytes` (past the broker's decompression
 * limit): one with its honest gzip trailer, one whose trailer claims 1000 bytes (so the broker
 * must inflate up to its limit to find out).
 */
export async function bombCorpus(topic: string, inflatedBytes: number): Promise<SeedRequest[]> {
  const batches = [await gzipBombBatch(inflatedBytes), await gzipBombBatch(inflatedBytes, true)];
  return batches.map((batch, i) => {
    const body = { acks: 1, timeoutMs: 5000, transactionalId: null, topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }] };
    return { source: 'bomb', apiKey: ApiKeys.PRODUCE, payload: payloadOf(ApiKeys.PRODUCE, 7, body, 200_000 + i) };
  });
}

/** Splits the bytes a client wrote into request payloads (size prefixes removed). */
function framesIn(stream: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (stream.length - pos >= 4) {
    const size = stream.readInt32BE(pos);
    if (size < 0 || pos + 4 + size > stream.length) break;
    out.push(Buffer.from(stream.subarray(pos + 4, pos + 4 + size)));
    pos += 4 + size;
  }
  return out;
}

/**
 * Runs a kafkajs admin, producer and group consumer against `bootstrap` (creating `topic`) and
 * returns every request they sent, as written on their sockets.
 */
export async function capturedCorpus(bootstrap: string, topic: string, partitions: number): Promise<SeedRequest[]> {
  const streams: Buffer[][] = [];
  const socketFactory = ({ host, port, onConnect }: { host: string; port: number; onConnect: () => void }): net.Socket => {
    const socket = net.connect({ host, port }, onConnect);
    const written: Buffer[] = [];
    streams.push(written);
    const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
    socket.write = ((chunk: unknown, ...rest: unknown[]): boolean => {
      if (Buffer.isBuffer(chunk)) written.push(Buffer.from(chunk));
      else if (typeof chunk === 'string') written.push(Buffer.from(chunk));
      return write(chunk, ...rest);
    }) as typeof socket.write;
    return socket;
  };
  const kafka = new Kafka({ clientId: 'fuzz-capture', brokers: [bootstrap], logLevel: logLevel.NOTHING, socketFactory: socketFactory as never, retry: { retries: 5 } });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
  await admin.fetchTopicMetadata({ topics: [topic] });
  await admin.fetchTopicOffsets(topic);
  await admin.describeCluster();
  await admin.listGroups();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (const compression of [CompressionTypes.None, CompressionTypes.GZIP]) {
    await producer.send({ topic, compression, messages: Array.from({ length: 10 }, (_, i) => ({ key: `key-${i}`, value: `value-${i}`, headers: { h: 'v' } })) });
  }
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: 'fuzz-capture-group', sessionTimeout: 10_000, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => resolve(), 15_000);
    consumer.run({
      eachMessage: async () => {
        if (++seen >= 20) {
          clearTimeout(timer);
          resolve();
        }
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  await admin.describeGroups(['fuzz-capture-group']);
  await admin.disconnect();
  const out: SeedRequest[] = [];
  for (const chunks of streams) {
    for (const payload of framesIn(Buffer.concat(chunks))) out.push({ source: 'captured', apiKey: payload.readInt16BE(0), payload });
  }
  return out;
}
