/** KafkaZkClient's controller election methods: `/controller` and `/controller_epoch`. */
import { KafkaZkClientBase } from './kafka-zk-client-base.js';
import { BadVersionError, ControllerMovedError, NodeExistsError, NoNodeError } from './keeper-errors.js';
import { ControllerEpochZNode, ControllerZNode } from './controller-znodes.js';
import { CreateMode, ZkOps } from './zookeeper-client.js';

/** KafkaController.InitialControllerEpoch / InitialControllerEpochZkVersion. */
export const InitialControllerEpoch = 0;
export const InitialControllerEpochZkVersion = 0;

/** Controller methods of KafkaZkClient (mixed into it; see kafka-zk-client.ts). */
export class ControllerZkOps extends KafkaZkClientBase {
  /** Kafka's getControllerId: broker id in `/controller`, or null (arms the ControllerChangeHandler's watch). */
  async getControllerId(): Promise<number | null> {
    const { data, stat } = await this.getDataAndStat(ControllerZNode.path);
    return stat === null ? null : ControllerZNode.decode(data).brokerId;
  }

  /** Kafka's getControllerEpoch: (epoch, zkVersion of /controller_epoch), or null. */
  async getControllerEpoch(): Promise<{ epoch: number; zkVersion: number } | null> {
    const { data, stat } = await this.getDataAndStat(ControllerEpochZNode.path);
    return stat === null ? null : { epoch: ControllerEpochZNode.decode(data), zkVersion: stat.version };
  }

  /** Kafka's maybeCreateControllerEpochZNode: creates `/controller_epoch` with 0 if missing. */
  protected async maybeCreateControllerEpochZNode(): Promise<{ epoch: number; zkVersion: number }> {
    try {
      await this.zooKeeperClient.create(ControllerEpochZNode.path, ControllerEpochZNode.encode(InitialControllerEpoch), CreateMode.PERSISTENT);
      return { epoch: InitialControllerEpoch, zkVersion: InitialControllerEpochZkVersion };
    } catch (err) {
      if (!(err instanceof NodeExistsError)) throw err;
      const cur = await this.getControllerEpoch();
      if (cur === null) throw new ControllerMovedError('/controller_epoch vanished while electing');
      return cur;
    }
  }

  /**
   * Kafka's registerControllerAndIncrementControllerEpoch: atomically creates `/controller`
   * (ephemeral) and bumps `/controller_epoch` (CAS on its zkVersion). Returns the new epoch and the
   * epochZkVersion used to fence later writes; ControllerMovedError if another broker won.
   */
  async registerControllerAndIncrementControllerEpoch(controllerId: number): Promise<{ epoch: number; epochZkVersion: number }> {
    const cur = (await this.getControllerEpoch()) ?? (await this.maybeCreateControllerEpochZNode());
    const newControllerEpoch = cur.epoch + 1;
    try {
      const results = await this.zooKeeperClient.multi([
        ZkOps.create(ControllerZNode.path, ControllerZNode.encode(controllerId), CreateMode.EPHEMERAL),
        ZkOps.setData(ControllerEpochZNode.path, ControllerEpochZNode.encode(newControllerEpoch), cur.zkVersion),
      ]);
      const set = results[1];
      return { epoch: newControllerEpoch, epochZkVersion: set?.type === 'setData' ? set.stat.version : cur.zkVersion + 1 };
    } catch (err) {
      if (!(err instanceof NodeExistsError) && !(err instanceof BadVersionError)) throw err;
      // checkControllerAndEpoch: our own earlier attempt may have succeeded (e.g. a retried request).
      const controllerId2 = await this.getControllerId();
      const epoch2 = await this.getControllerEpoch();
      if (controllerId2 === controllerId && epoch2 !== null && epoch2.epoch === newControllerEpoch) {
        return { epoch: newControllerEpoch, epochZkVersion: epoch2.zkVersion };
      }
      throw new ControllerMovedError(`Controller moved to ${String(controllerId2)} (epoch ${String(epoch2?.epoch)})`);
    }
  }

  /** Kafka's deleteController: deletes `/controller`, fenced by the epoch check; a missing znode is fine. */
  async deleteController(expectedControllerEpochZkVersion: number): Promise<void> {
    try {
      await this.fencedOp(ZkOps.delete(ControllerZNode.path), expectedControllerEpochZkVersion);
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
    }
  }
}
