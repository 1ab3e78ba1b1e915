/**
 * Kafka's ZkProducerIdManager: producer ids are handed out from blocks of 1000 claimed in
 * `/latest_producer_id_block` with a conditional update (compare-and-set on the znode version), so
 * no two brokers ever own the same id. The next block is claimed when the current one runs out.
 */
import type { KafkaZkClient } from '../../zk/kafka-zk-client.js';
import { PRODUCER_ID_BLOCK_SIZE, ProducerIdBlockZNode, type ProducerIdsBlock } from '../../zk/producer-id-znodes.js';
import { logger } from '../../utils/logger.js';

export interface ProducerIdManager {
  generateProducerId(): Promise<bigint>;
}

const MAX_PRODUCER_ID = 0x7fffffffffffffffn;

export class ZkProducerIdManager implements ProducerIdManager {
  private readonly log = logger('kafka.coordinator.transaction.ProducerIdManager');
  private currentBlock: ProducerIdsBlock | undefined;
  private nextProducerId = -1n;
  private claiming: Promise<void> | undefined;

  constructor(private readonly brokerId: number, private readonly zkClient: Pick<KafkaZkClient, 'getDataAndVersion' | 'conditionalUpdatePath' | 'makeSurePersistentPathExists'>) {}

  async generateProducerId(): Promise<bigint> {
    for (;;) {
      const b = this.currentBlock;
      if (b && this.nextProducerId < b.firstProducerId + BigInt(b.size)) return this.nextProducerId++;
      this.claiming ??= this.claimNewBlock().finally(() => (this.claiming = undefined));
      await this.claiming;
    }
  }

  /** Kafka's getNewProducerIdBlock: read, compute the next block, CAS, retry on a lost race. */
  private async claimNewBlock(): Promise<void> {
    await this.zkClient.makeSurePersistentPathExists(ProducerIdBlockZNode.path);
    for (;;) {
      const { data, zkVersion } = await this.zkClient.getDataAndVersion(ProducerIdBlockZNode.path);
      let first = 0n;
      if (data !== null && data.length > 0) {
        const cur = ProducerIdBlockZNode.decode(data);
        const last = cur.firstProducerId + BigInt(cur.size) - 1n;
        if (last > MAX_PRODUCER_ID - BigInt(PRODUCER_ID_BLOCK_SIZE)) throw new RangeError('Exhausted all producer ids');
        first = last + 1n;
      }
      const block: ProducerIdsBlock = { assignedBrokerId: this.brokerId, firstProducerId: first, size: PRODUCER_ID_BLOCK_SIZE };
      const { succeeded } = await this.zkClient.conditionalUpdatePath(ProducerIdBlockZNode.path, ProducerIdBlockZNode.encode(block), zkVersion);
      if (succeeded) {
        this.currentBlock = block;
        this.nextProducerId = first;
        this.log.info(`Acquired new producerId block ${first}-${first + BigInt(block.size) - 1n} by writing to Zk`);
        return;
      }
      this.log.debug('Lost the race for the next producer id block; retrying');
    }
  }
}
