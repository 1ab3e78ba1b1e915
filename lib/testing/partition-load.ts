/**
 * Load on many partitions for specs and benchmarks: one Produce request carrying a small batch for
 * every partition of a topic, one Fetch request reading them all back, and a broker's open
 * descriptors. Raw requests through the NetworkClient (no client library in the way).
 */
import fs from 'node:fs';
import { NetworkClient } from '../network/network-client.js';
import { ApiKeys, decodeResponse, encodeRequest } from '../protocol/index.js';
import type { Input, RequestApiKey } from '../protocol/frames.js';
import type { RequestBodies, ResponseBodies } from '../protocol/generated/types.js';
import { buildRecordBatch } from '../record/memory-records-builder.js';

let correlationId = 1;

/** One request/response round trip to `host:port`. */
export async function sendRequest<K extends RequestApiKey>(host: string, port: number, apiKey: K, version: number, body: Input<RequestBodies[K]>, timeoutMs = 120_000): Promise<ResponseBodies[K]> {
  const client = new NetworkClient({ host, port }, { requestTimeoutMs: timeoutMs, connectTimeoutMs: 5000, maxResponseSize: 256 * 1024 * 1024 });
  try {
    const id = correlationId++;
    const frame = encodeRequest({ requestApiKey: apiKey, requestApiVersion: version, correlationId: id, clientId: 'kafkats-partition-load' }, body);
    return decodeResponse(apiKey, version, (await client.send(id, [frame])) as Buffer).body;
  } finally {
    client.close();
  }
}

/** CreateTopics (v5) of `partitions` partitions with RF 1; returns the topic's error code. */
export async function createTopicWithPartitions(host: string, port: number, topic: string, partitions: number, timeoutMs = 300_000): Promise<{ errorCode: number; errorMessage: string | null }> {
  const r = await sendRequest(host, port, ApiKeys.CREATE_TOPICS, 5, {
    topics: [{ name: topic, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }],
    timeoutMs,
    validateOnly: false,
  }, timeoutMs + 30_000);
  return { errorCode: r.topics[0]!.errorCode, errorMessage: r.topics[0]!.errorMessage };
}

/** Produces `value` (acks=1) to every listed partition in one request; returns the partitions that failed, with their error codes. */
export async function produceToEach(host: string, port: number, topic: string, partitions: number[], value: string): Promise<Map<number, number>> {
  const records = buildRecordBatch([{ key: null, value: Buffer.from(value), timestamp: BigInt(Date.now()) }]);
  const r = await sendRequest(host, port, ApiKeys.PRODUCE, 8, {
    transactionalId: null, acks: 1, timeoutMs: 60_000,
    topicData: [{ name: topic, partitionData: partitions.map((index) => ({ index, records })) }],
  });
  const failed = new Map<number, number>();
  for (const p of r.responses[0]?.partitionResponses ?? []) if (p.errorCode !== 0) failed.set(p.index, p.errorCode);
  if ((r.responses[0]?.partitionResponses.length ?? 0) !== partitions.length) failed.set(-1, -1);
  return failed;
}

/** Fetches every listed partition from offset 0 in one request; returns each partition's error code and record bytes. */
export async function fetchEach(host: string, port: number, topic: string, partitions: number[]): Promise<Map<number, { errorCode: number; bytes: number }>> {
  const r = await sendRequest(host, port, ApiKeys.FETCH, 11, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 256 * 1024 * 1024, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: partitions.map((partition) => ({ partition, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 64 * 1024 })) }],
    forgottenTopicsData: [],
    rackId: '',
  });
  const out = new Map<number, { errorCode: number; bytes: number }>();
  for (const t of r.responses) for (const p of t.partitions) out.set(p.partitionIndex, { errorCode: p.errorCode, bytes: p.records?.length ?? 0 });
  return out;
}

/** Open descriptors of a process (Linux /proc). */
export function openDescriptors(pid: number): number {
  return fs.readdirSync(`/proc/${pid}/fd`).length;
}
