/**
 * Kafka's AlterPartitionManager (KIP-497): a partition leader's ISR changes go to the controller as
 * AlterPartition requests carrying this broker's id and epoch; the controller writes the partition
 * state znode (compare-and-set on its zkVersion) and answers with the new leader/ISR/partition
 * epoch. kafkats uses this path (Kafka's IBP >= 2.7) rather than leaders writing ZooKeeper
 * themselves plus /isr_change_notification, so the controller stays the only writer of partition
 * state. At most one change per partition is in flight (the Partition enforces it); it is sent
 * again until a controller answers.
 */
import { NetworkClient, type ClientChannelSecurity } from '../network/network-client.js';
import { ApiKeys, decodeResponse, encodeRequest } from '../protocol/index.js';
import { Errors, NotControllerError } from '../protocol/errors.js';
import type { AlterPartitionItem, AlterPartitionManager, AlterPartitionResult } from '../cluster/partition.js';
import type { MetadataCache } from '../server/metadata-cache.js';
import { SYSTEM_TIME, delay, type Time } from '../common/time.js';
import { logger } from '../utils/logger.js';

/** AlterPartition v1: topic names (v2+ use topic ids), leader recovery state. */
const ALTER_PARTITION_VERSION = 1;
/** The longest wait between two attempts while no controller answers. */
const MAX_RETRY_BACKOFF_MS = 1000;

export class DefaultAlterPartitionManager implements AlterPartitionManager {
  private readonly log = logger('kafka.server.AlterPartitionManager');
  private client: NetworkClient | null = null;
  private clientFor = '';
  private correlationId = 0;
  private closed = false;

  constructor(
    private readonly brokerId: number,
    private readonly brokerEpoch: () => bigint,
    private readonly metadataCache: MetadataCache,
    private readonly interBrokerListener: string,
    private readonly time: Time = SYSTEM_TIME,
    private readonly requestTimeoutMs = 30_000,
    private readonly security: ClientChannelSecurity | null = null,
  ) {}

  /**
   * Sends the change until a controller answers it, however long that takes (Kafka's
   * AlterPartitionManager never times a change out): a controller that died may have committed it
   * already, so only a controller's answer says what the ISR is now. The Partition ignores the
   * answer if a LeaderAndIsr moved it on meanwhile. Only close() ends the retries.
   */
  async submit(item: AlterPartitionItem): Promise<AlterPartitionResult> {
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        return await this.sendOnce(item);
      } catch (err) {
        this.log.debug(`AlterPartition for ${item.tp.topic}-${item.tp.partition} failed (${(err as Error).message}); retrying`);
        await delay(this.time, Math.min(100 * (attempt + 1), MAX_RETRY_BACKOFF_MS));
      }
    }
    return { errorCode: Errors.NOT_CONTROLLER.code };
  }

  close(): void {
    this.closed = true;
    this.client?.close();
  }

  private controllerClient(): NetworkClient {
    const controllerId = this.metadataCache.getControllerId();
    const ep = controllerId === null ? undefined : this.metadataCache.getAliveEndpoint(controllerId, this.interBrokerListener);
    if (!ep) throw new NotControllerError('no known controller');
    const key = `${controllerId}@${ep.host}:${ep.port}`;
    if (!this.client || this.clientFor !== key) {
      this.client?.close();
      this.client = new NetworkClient({ host: ep.host, port: ep.port }, { requestTimeoutMs: this.requestTimeoutMs, connectTimeoutMs: 5000, maxResponseSize: 10 * 1024 * 1024, security: this.security });
      this.clientFor = key;
    }
    return this.client;
  }

  private async sendOnce(item: AlterPartitionItem): Promise<AlterPartitionResult> {
    const client = this.controllerClient();
    const correlationId = this.correlationId++;
    const frame = encodeRequest(
      { requestApiKey: ApiKeys.ALTER_PARTITION, requestApiVersion: ALTER_PARTITION_VERSION, correlationId, clientId: `broker-${this.brokerId}-alter-partition` },
      {
        brokerId: this.brokerId,
        brokerEpoch: this.brokerEpoch(),
        topics: [{
          topicName: item.tp.topic,
          partitions: [{
            partitionIndex: item.tp.partition,
            leaderEpoch: item.leaderEpoch,
            newIsr: item.newIsr,
            leaderRecoveryState: item.leaderRecoveryState,
            partitionEpoch: item.partitionEpoch,
          }],
        }],
      },
    );
    const payload = await client.send(correlationId, [frame]);
    const { body } = decodeResponse(ApiKeys.ALTER_PARTITION, ALTER_PARTITION_VERSION, payload as Buffer);
    if (body.errorCode !== Errors.NONE.code) {
      if (body.errorCode === Errors.NOT_CONTROLLER.code) throw new NotControllerError();
      return { errorCode: body.errorCode };
    }
    const p = body.topics[0]?.partitions[0];
    if (!p) return { errorCode: Errors.NOT_CONTROLLER.code };
    if (p.errorCode !== Errors.NONE.code) return { errorCode: p.errorCode };
    return { errorCode: Errors.NONE.code, leader: p.leaderId, leaderEpoch: p.leaderEpoch, isr: p.isr, partitionEpoch: p.partitionEpoch };
  }
}
