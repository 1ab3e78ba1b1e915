/**
 * Helpers for the admin specs: a KafkaConfig for a broker on a chroot, and a MetadataCache fed
 * with UpdateMetadata-shaped objects the way the controller would (live brokers, leaders).
 */
import { KafkaConfig } from '../../lib/config/kafka-config.js';
import { type MetadataCache } from '../../lib/server/metadata-cache.js';
import type { KafkaZkClient } from '../../lib/zk/kafka-zk-client.js';
import type { UpdateMetadataRequest } from '../../lib/protocol/generated/types.js';

export function brokerConfig(connect: string, brokerId: number, extra: Record<string, unknown> = {}): KafkaConfig {
  return KafkaConfig.fromProps({ 'broker.id': brokerId, 'zookeeper.connect': connect, 'log.dirs': '/tmp/kafkats-admin-spec', listeners: 'PLAINTEXT://localhost:0', ...extra });
}

export interface SimBroker {
  id: number;
  rack?: string | null;
}

/** Plays the controller towards one broker's MetadataCache. */
export class MetadataSimulator {
  constructor(readonly cache: MetadataCache, public brokers: SimBroker[]) {}

  private request(topicStates: UpdateMetadataRequest['topicStates']): UpdateMetadataRequest {
    return {
      controllerId: this.brokers[0]?.id ?? -1,
      isKRaftController: false,
      type: 0,
      controllerEpoch: 1,
      brokerEpoch: -1n,
      ungroupedPartitionStates: [],
      topicStates,
      liveBrokers: this.brokers.map((b) => ({
        id: b.id, v0Host: '', v0Port: 0, rack: b.rack ?? null,
        endpoints: [{ host: 'localhost', port: 9090 + b.id, listener: 'PLAINTEXT', securityProtocol: 0 }],
      })),
    };
  }

  /** Sends only the live brokers (no partitions). */
  publishBrokers(): void {
    this.cache.updateMetadata(this.request([]));
  }

  /** Publishes partitions with the first replica as leader (leader -1 = no leader yet). */
  publish(topic: string, topicId: string, assignment: ReadonlyMap<number, readonly number[]>, leaderless = false): void {
    this.cache.updateMetadata(this.request([{
      topicName: topic,
      topicId,
      partitionStates: [...assignment].map(([p, replicas]) => ({
        topicName: topic, partitionIndex: p, controllerEpoch: 1, leader: leaderless ? -1 : (replicas[0] ?? -1), leaderEpoch: 0,
        isr: [...replicas], zkVersion: 0, replicas: [...replicas], offlineReplicas: [],
      })),
    }]));
  }

  /** Reads /brokers/topics/<t> and publishes it with leaders, as the controller would after creation. */
  async publishFromZk(zk: KafkaZkClient, topic: string): Promise<void> {
    const [t] = await zk.getReplicaAssignmentAndTopicIdForTopics([topic]);
    if (t === undefined) throw new Error(`no znode for ${topic}`);
    this.publish(topic, t.topicId ?? 'AAAAAAAAAAAAAAAAAAAAAA', new Map([...t.assignment].map(([p, a]) => [p, a.replicas])));
  }

  /** Publishes the topic's partitions with leader -2 (LeaderDuringDelete): they leave the cache. */
  deleteTopic(topic: string): void {
    const parts = this.cache.getPartitions(topic);
    this.cache.updateMetadata(this.request([{
      topicName: topic,
      topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
      partitionStates: parts.map((p) => ({
        topicName: topic, partitionIndex: p.partition, controllerEpoch: 1, leader: -2, leaderEpoch: -2,
        isr: [], zkVersion: 0, replicas: p.replicas, offlineReplicas: [],
      })),
    }]));
  }
}

export async function readJson(zk: KafkaZkClient, path: string): Promise<unknown> {
  const { data } = await zk.getDataAndStat(path);
  return data === null ? null : JSON.parse(data.toString('utf8')) as unknown;
}
