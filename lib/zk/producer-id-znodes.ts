/** The producer id block znode `/latest_producer_id_block` (kafka/zk/ZkData.scala). */
import { InvalidZNodeDataError, encodeJson, parseObject, int, longString } from './znode-json.js';

/** Kafka's ProducerIdsBlock: ids [firstProducerId, firstProducerId + size - 1] owned by a broker. */
export interface ProducerIdsBlock {
  assignedBrokerId: number;
  firstProducerId: bigint;
  size: number;
}

/** ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE. */
export const PRODUCER_ID_BLOCK_SIZE = 1000;

/** `/latest_producer_id_block`: `{"version":1,"broker":0,"block_start":"5000","block_end":"5999"}`. */
export const ProducerIdBlockZNode = {
  path: '/latest_producer_id_block',
  CurrentVersion: 1,
  encode(block: ProducerIdsBlock): Buffer {
    return encodeJson({
      version: 1,
      broker: block.assignedBrokerId,
      block_start: block.firstProducerId.toString(),
      block_end: (block.firstProducerId + BigInt(block.size) - 1n).toString(),
    });
  },
  decode(bytes: Buffer | null): ProducerIdsBlock {
    const o = parseObject(this.path, bytes);
    const version = int(this.path, o, 'version');
    if (version !== 1) throw new InvalidZNodeDataError(this.path, `unsupported version ${version}`);
    const start = longString(this.path, o, 'block_start');
    const end = longString(this.path, o, 'block_end');
    if (end < start - 1n) throw new InvalidZNodeDataError(this.path, 'block_end < block_start');
    return { assignedBrokerId: int(this.path, o, 'broker'), firstProducerId: start, size: Number(end - start + 1n) };
  },
};
