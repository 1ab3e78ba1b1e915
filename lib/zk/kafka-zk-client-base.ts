/**
 * The core of KafkaZkClient (kafka/zk/KafkaZkClient.scala): the ZooKeeperClient it wraps, the
 * controller-epoch fencing of writes, the generic path operations and the watch registration the
 * znode families (broker-zk-ops.ts, topic-zk-ops.ts, …) build on.
 *
 * Controller fencing: every method taking `expectedControllerEpochZkVersion` sends its write as
 * `multi(check(/controller_epoch, expectedControllerEpochZkVersion), op)` unless the value is
 * ZkVersion.MatchAnyVersion (-1); a failed check throws ControllerMovedError
 * (KafkaZkClient.retryRequestsUntilConnected / wrapRequestWithControllerEpochCheck).
 */
import { BadVersionError, ControllerMovedError, KeeperError, NoNodeError } from './keeper-errors.js';
import { ControllerEpochZNode } from './controller-znodes.js';
import { ZkVersion } from './zk-data.js';
import { CreateMode, ZkOps, type Stat, type StateChangeHandler, type ZNodeChangeHandler, type ZNodeChildChangeHandler, type ZkOp, type ZkOpResult, type ZooKeeperClient } from './zookeeper-client.js';

export class KafkaZkClientBase {
  constructor(readonly zooKeeperClient: ZooKeeperClient) {}

  /** Closes the session; this broker's ephemeral znodes disappear at once. */
  async close(): Promise<void> {
    await this.zooKeeperClient.close();
  }

  // ---- fencing helpers ---------------------------------------------------------------------------

  /** Runs ops as one multi, prefixed with the controller-epoch check unless MatchAnyVersion. */
  protected async multiWithEpochCheck(ops: ZkOp[], expectedControllerEpochZkVersion: number): Promise<ZkOpResult[]> {
    if (expectedControllerEpochZkVersion === ZkVersion.MatchAnyVersion) return this.zooKeeperClient.multi(ops);
    try {
      const results = await this.zooKeeperClient.multi([ZkOps.check(ControllerEpochZNode.path, expectedControllerEpochZkVersion), ...ops]);
      return results.slice(1);
    } catch (err) {
      if (err instanceof KeeperError && err.opIndex === 0) {
        throw new ControllerMovedError(`Controller epoch zkVersion check fails. Expected zkVersion = ${expectedControllerEpochZkVersion}`);
      }
      if (err instanceof KeeperError && err.opIndex !== undefined) err.opIndex -= 1;
      throw err;
    }
  }

  /** One write, fenced when an epoch zkVersion is given; errors are the op's own typed errors. */
  protected async fencedOp(op: ZkOp, expectedControllerEpochZkVersion: number): Promise<ZkOpResult> {
    if (expectedControllerEpochZkVersion === ZkVersion.MatchAnyVersion) {
      switch (op.type) {
        case 'create':
          return { type: 'create', path: await this.zooKeeperClient.create(op.path, op.data, op.mode) };
        case 'setData':
          return { type: 'setData', stat: await this.zooKeeperClient.setData(op.path, op.data, op.version) };
        case 'delete':
          await this.zooKeeperClient.delete(op.path, op.version);
          return { type: 'delete' };
        case 'check':
          return (await this.zooKeeperClient.multi([op]))[0] ?? { type: 'check' };
      }
    }
    const [r] = await this.multiWithEpochCheck([op], expectedControllerEpochZkVersion);
    return r ?? { type: 'check' };
  }

  // ---- generic ----------------------------------------------------------------------------------

  /** Kafka's getDataAndVersion: data and zkVersion, or (null, UnknownVersion = -2) when the znode is missing. */
  async getDataAndVersion(path: string): Promise<{ data: Buffer | null; zkVersion: number }> {
    const r = await this.getDataAndStat(path);
    return { data: r.data, zkVersion: r.stat?.version ?? ZkVersion.UnknownVersion };
  }

  /** Kafka's getDataAndStat: data and Stat, or nulls when the znode is missing. */
  async getDataAndStat(path: string): Promise<{ data: Buffer | null; stat: Stat | null }> {
    try {
      return await this.zooKeeperClient.getData(path);
    } catch (err) {
      if (err instanceof NoNodeError) return { data: null, stat: null };
      throw err;
    }
  }

  /**
   * Kafka's conditionalUpdatePath: setData expecting `expectVersion`; returns (succeeded, newVersion),
   * newVersion = -1 on BADVERSION or NONODE. Used for `/latest_producer_id_block` (ProducerIdManager).
   */
  async conditionalUpdatePath(path: string, data: Buffer, expectVersion: number, expectedControllerEpochZkVersion: number = ZkVersion.MatchAnyVersion): Promise<{ succeeded: boolean; newVersion: number }> {
    try {
      const r = await this.fencedOp(ZkOps.setData(path, data, expectVersion), expectedControllerEpochZkVersion);
      return { succeeded: true, newVersion: r.type === 'setData' ? r.stat.version : -1 };
    } catch (err) {
      if (err instanceof BadVersionError || err instanceof NoNodeError) return { succeeded: false, newVersion: -1 };
      throw err;
    }
  }

  /** Kafka's createSequentialPersistentPath: returns the created path (with its 10-digit suffix). */
  async createSequentialPersistentPath(path: string, data: Buffer | null = null): Promise<string> {
    return this.zooKeeperClient.create(path, data, CreateMode.PERSISTENT_SEQUENTIAL);
  }

  /** Kafka's createRecursive (parents created with null data). */
  async createRecursive(path: string, data: Buffer | null = null, throwIfPathExists = true): Promise<void> {
    await this.zooKeeperClient.createRecursive(path, data, throwIfPathExists);
  }

  /** Kafka's makeSurePersistentPathExists. */
  async makeSurePersistentPathExists(path: string): Promise<void> {
    await this.zooKeeperClient.makeSurePersistentPathExists(path);
  }

  /** Kafka's pathExists. */
  async pathExists(path: string): Promise<boolean> {
    return (await this.zooKeeperClient.exists(path)) !== null;
  }

  /** Kafka's deleteRecursive (children first); each delete fenced when an epoch zkVersion is given. Missing is fine. */
  async deleteRecursive(path: string, expectedControllerEpochZkVersion: number = ZkVersion.MatchAnyVersion): Promise<void> {
    let children: string[];
    try {
      children = await this.zooKeeperClient.getChildren(path);
    } catch (err) {
      if (err instanceof NoNodeError) return;
      throw err;
    }
    for (const c of children) await this.deleteRecursive(`${path}/${c}`, expectedControllerEpochZkVersion);
    try {
      await this.fencedOp(ZkOps.delete(path), expectedControllerEpochZkVersion);
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
    }
  }

  /** Children of a path, [] when it does not exist (arms the child watch of a registered handler when `watch`). */
  protected async getChildrenOrEmpty(path: string, watch = true): Promise<string[]> {
    try {
      return await this.zooKeeperClient.getChildren(path, { watch });
    } catch (err) {
      if (err instanceof NoNodeError) return [];
      throw err;
    }
  }

  // ---- watches and session hooks -----------------------------------------------------------------

  /** Kafka's registerZNodeChangeHandlerAndCheckExistence: registers and arms an exists watch; true if the znode exists. */
  async registerZNodeChangeHandlerAndCheckExistence(handler: ZNodeChangeHandler): Promise<boolean> {
    this.zooKeeperClient.registerZNodeChangeHandler(handler);
    return (await this.zooKeeperClient.exists(handler.path)) !== null;
  }

  /** Kafka's registerZNodeChangeHandler (the next read of the path arms the watch). */
  registerZNodeChangeHandler(handler: ZNodeChangeHandler): void {
    this.zooKeeperClient.registerZNodeChangeHandler(handler);
  }
  /** Kafka's unregisterZNodeChangeHandler. */
  unregisterZNodeChangeHandler(path: string): void {
    this.zooKeeperClient.unregisterZNodeChangeHandler(path);
  }
  /** Kafka's registerZNodeChildChangeHandler (the next getChildren-based read arms the watch). */
  registerZNodeChildChangeHandler(handler: ZNodeChildChangeHandler): void {
    this.zooKeeperClient.registerZNodeChildChangeHandler(handler);
  }
  /** Kafka's unregisterZNodeChildChangeHandler. */
  unregisterZNodeChildChangeHandler(path: string): void {
    this.zooKeeperClient.unregisterZNodeChildChangeHandler(path);
  }
  /** Kafka's registerStateChangeHandler: before/after session re-creation hooks. */
  registerStateChangeHandler(handler: StateChangeHandler): void {
    this.zooKeeperClient.registerStateChangeHandler(handler);
  }
  /** Kafka's unregisterStateChangeHandler. */
  unregisterStateChangeHandler(name: string): void {
    this.zooKeeperClient.unregisterStateChangeHandler(name);
  }
}
