/**
 * Kafka's TransactionMarkerChannelManager: sends WriteTxnMarkers to the leaders of a completed
 * transaction's partitions (this broker included, over the network like any other) and retries
 * until every partition answered, its topic is gone, or this broker stopped being the coordinator.
 */
import { NetworkClient, type ClientChannelSecurity } from '../../network/network-client.js';
import { ApiKeys, decodeResponse, encodeRequest } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import type { WriteTxnMarkersResponse } from '../../protocol/generated/types.js';
import { logger } from '../../utils/logger.js';
import type { TopicPartition } from '../../common/topic-partition.js';
import { SYSTEM_TIME, delay, type Time } from '../../common/time.js';

const WRITE_TXN_MARKERS_VERSION = 1;

export interface MarkerDestination {
  id: number;
  host: string;
  port: number;
}

export interface TxnMarkerEntry {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  committed: boolean;
  coordinatorEpoch: number;
  partitions: TopicPartition[];
}

export interface MarkerChannelDeps {
  brokerId: number;
  /** The alive leader of a partition on the inter-broker listener, or undefined. */
  leaderFor(tp: TopicPartition): MarkerDestination | undefined;
  /** Whether the topic still exists (partitions of deleted topics are dropped). */
  topicExists(topic: string): boolean;
  /** Whether this broker still coordinates the id in that epoch (else sending stops). */
  stillCoordinator(transactionalId: string, coordinatorEpoch: number): boolean;
  requestTimeoutMs: number;
  retryBackoffMs: number;
  /** TLS/SASL of the inter-broker listener. */
  security?: ClientChannelSecurity | null;
  /** The clock retry backoffs wait on (default: the system clock). */
  time?: Time;
}

export class TransactionMarkerChannelManager {
  private readonly log = logger('kafka.coordinator.transaction.TransactionMarkerChannelManager');
  private readonly clients = new Map<number, NetworkClient>();
  private correlationId = 0;
  private running = true;

  constructor(private readonly deps: MarkerChannelDeps) {}

  /** Resolves true once every partition has its marker; false when sending was abandoned. */
  async sendMarkers(entry: TxnMarkerEntry): Promise<boolean> {
    const pending = new Map(entry.partitions.map((tp) => [`${tp.topic}-${tp.partition}`, tp]));
    while (pending.size > 0) {
      if (!this.running || !this.deps.stillCoordinator(entry.transactionalId, entry.coordinatorEpoch)) return false;
      const byLeader = new Map<number, { dest: MarkerDestination; tps: TopicPartition[] }>();
      for (const [key, tp] of pending) {
        if (!this.deps.topicExists(tp.topic)) {
          pending.delete(key);
          continue;
        }
        const dest = this.deps.leaderFor(tp);
        if (!dest) continue;
        const g = byLeader.get(dest.id) ?? { dest, tps: [] };
        g.tps.push(tp);
        byLeader.set(dest.id, g);
      }
      await Promise.all([...byLeader.values()].map(async ({ dest, tps }) => {
        try {
          const res = await this.send(dest, entry, tps);
          for (const m of res.markers) {
            for (const t of m.topics) {
              for (const p of t.partitions) {
                if (p.errorCode === Errors.NONE.code || p.errorCode === Errors.UNKNOWN_TOPIC_OR_PARTITION.code) pending.delete(`${t.name}-${p.partitionIndex}`);
                else this.log.debug(`WriteTxnMarkers for ${t.name}-${p.partitionIndex} answered ${p.errorCode}; retrying`);
              }
            }
          }
        } catch (err) {
          this.log.debug(`WriteTxnMarkers to broker ${dest.id} failed: ${(err as Error).message}; retrying`);
          this.dropClient(dest.id);
        }
      }));
      if (pending.size > 0) await delay(this.deps.time ?? SYSTEM_TIME, this.deps.retryBackoffMs);
    }
    return true;
  }

  private async send(dest: MarkerDestination, e: TxnMarkerEntry, tps: TopicPartition[]): Promise<WriteTxnMarkersResponse> {
    let client = this.clients.get(dest.id);
    if (!client || client.destination.host !== dest.host || client.destination.port !== dest.port) {
      client?.close();
      client = new NetworkClient({ host: dest.host, port: dest.port }, { requestTimeoutMs: this.deps.requestTimeoutMs, connectTimeoutMs: this.deps.requestTimeoutMs, maxResponseSize: 16 * 1024 * 1024, security: this.deps.security });
      this.clients.set(dest.id, client);
    }
    const byTopic = new Map<string, number[]>();
    for (const tp of tps) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
    const correlationId = this.correlationId = (this.correlationId + 1) & 0x7fffffff;
    const frame = encodeRequest(
      { requestApiKey: ApiKeys.WRITE_TXN_MARKERS, requestApiVersion: WRITE_TXN_MARKERS_VERSION, correlationId, clientId: `broker-${this.deps.brokerId}-txn-marker-sender` },
      { markers: [{ producerId: e.producerId, producerEpoch: e.producerEpoch, transactionResult: e.committed, coordinatorEpoch: e.coordinatorEpoch, topics: [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes })) }] } as never,
    );
    const payload = await client.send(correlationId, [frame]);
    return decodeResponse(ApiKeys.WRITE_TXN_MARKERS, WRITE_TXN_MARKERS_VERSION, payload as Buffer).body as WriteTxnMarkersResponse;
  }

  private dropClient(id: number): void {
    this.clients.get(id)?.close();
    this.clients.delete(id);
  }

  shutdown(): void {
    this.running = false;
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}
