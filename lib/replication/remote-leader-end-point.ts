/**
 * Kafka's RemoteLeaderEndPoint: a follower's connection to the leader it fetches from — Fetch
 * requests carrying our replica id, and ListOffsets for the leader's earliest / latest offsets.
 * Inter-broker request versions come from one table (INTER_BROKER_VERSIONS below).
 */
import { NetworkClient, type ClientChannelSecurity } from '../network/network-client.js';
import { ApiKeys, decodeResponse, encodeRequest } from '../protocol/index.js';
import type { Input, RequestApiKey } from '../protocol/frames.js';
import type { FetchRequest, RequestBodies, ResponseBodies } from '../protocol/generated/types.js';
import { apiErrorForCode, Errors } from '../protocol/errors.js';
import { type TopicPartition, tpKey } from '../common/topic-partition.js';
import { sharedBufferPool } from '../utils/buffer-pool.js';
import type { LeaderEndPoint, LeaderFetchResult } from './leader-end-point.js';

/** The request versions a follower speaks to its leader. */
const INTER_BROKER_VERSIONS = { fetch: 12, listOffsets: 5 } as const;
const EARLIEST_TIMESTAMP = -2n;
const LATEST_TIMESTAMP = -1n;

export interface RemoteLeaderEndPointConfig {
  /** Our broker id (the replica id of our requests). */
  brokerId: number;
  fetchResponseMaxBytes: number;
  requestTimeoutMs: number;
  security?: ClientChannelSecurity | null;
}

export class RemoteLeaderEndPoint implements LeaderEndPoint {
  private readonly client: NetworkClient;
  private correlationId = 0;

  constructor(readonly brokerId: number, host: string, port: number, private readonly config: RemoteLeaderEndPointConfig) {
    this.client = new NetworkClient({ host, port }, {
      requestTimeoutMs: config.requestTimeoutMs,
      connectTimeoutMs: 5000,
      maxResponseSize: config.fetchResponseMaxBytes + 1024 * 1024,
      bufferPool: sharedBufferPool,
      security: config.security,
    });
  }

  async fetch(request: Input<FetchRequest>): Promise<LeaderFetchResult> {
    const { body, frame } = await this.request(ApiKeys.FETCH, INTER_BROKER_VERSIONS.fetch, request);
    return { response: body, release: () => sharedBufferPool.release(frame) };
  }

  fetchEarliestOffset(tp: TopicPartition, currentLeaderEpoch: number): Promise<bigint> {
    return this.listOffset(tp, currentLeaderEpoch, EARLIEST_TIMESTAMP);
  }

  fetchLatestOffset(tp: TopicPartition, currentLeaderEpoch: number): Promise<bigint> {
    return this.listOffset(tp, currentLeaderEpoch, LATEST_TIMESTAMP);
  }

  close(): void {
    this.client.close();
  }

  private async listOffset(tp: TopicPartition, currentLeaderEpoch: number, timestamp: bigint): Promise<bigint> {
    const { body } = await this.request(ApiKeys.LIST_OFFSETS, INTER_BROKER_VERSIONS.listOffsets, {
      replicaId: this.config.brokerId,
      isolationLevel: 0,
      topics: [{ name: tp.topic, partitions: [{ partitionIndex: tp.partition, currentLeaderEpoch, timestamp }] }],
    });
    const p = body.topics[0]?.partitions[0];
    if (!p) throw apiErrorForCode(Errors.UNKNOWN_SERVER_ERROR.code, `ListOffsets for ${tpKey(tp)} answered no partition`);
    if (p.errorCode !== Errors.NONE.code) throw apiErrorForCode(p.errorCode, `ListOffsets for ${tpKey(tp)} failed`);
    return p.offset;
  }

  /** The decoded response and the frame it views. */
  private async request<K extends RequestApiKey>(apiKey: K, version: number, body: Input<RequestBodies[K]>): Promise<{ body: ResponseBodies[K]; frame: Buffer }> {
    const correlationId = this.correlationId++;
    const request = encodeRequest({ requestApiKey: apiKey, requestApiVersion: version, correlationId, clientId: `broker-${this.config.brokerId}-fetcher-0` }, body);
    const frame = (await this.client.send(correlationId, [request])) as Buffer;
    return { body: decodeResponse(apiKey, version, frame).body, frame };
  }
}
