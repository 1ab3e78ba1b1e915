/**
 * Not in Kafka (kafkats hardening): LeaderAndIsr, UpdateMetadata and StopReplica are obeyed only
 * when ZooKeeper says they can come from the controller. Kafka trusts the controller epoch in the
 * request (a broker remembers the highest one and refuses older ones as STALE_CONTROLLER_EPOCH),
 * so one forged request with a far-future epoch (67108864) made the broker refuse the real
 * controller until restart; with ACLs on, CLUSTER_ACTION guards these requests too, but PLAINTEXT
 * clusters often grant it to User:ANONYMOUS.
 *
 * - A controller epoch newer than the last one verified must be ZooKeeper's (`/controller_epoch`)
 *   with ZooKeeper's controller (`/controller`); within a verified epoch only that controller id
 *   is obeyed. Anything else answers STALE_CONTROLLER_EPOCH and changes nothing.
 * - A broker epoch newer than this broker's own must be the czxid of its registration in
 *   ZooKeeper (a re-registration the broker has not seen returned yet); else STALE_BROKER_EPOCH.
 * ZooKeeper is read only when an epoch moves forward (once per controller change); a mismatch is
 * re-read after a sync (a write round trip, so a lagging ZooKeeper follower catches up) before it
 * is refused. Refusals are logged, rate-limited.
 */
import type { KafkaZkClient } from '../zk/kafka-zk-client.js';
import { ZkOps } from '../zk/zookeeper-client.js';
import { ControllerEpochZNode } from '../zk/controller-znodes.js';
import { Errors } from '../protocol/errors.js';
import { apiKeyName } from '../protocol/index.js';
import { RateLimitedLog } from '../common/rate-limited-log.js';
import { logger } from '../utils/logger.js';

export interface ControllerRequest {
  readonly controllerId: number;
  readonly controllerEpoch: number;
  /** -1 when the sender does not know it (Kafka: not checked). */
  readonly brokerEpoch: bigint;
}

export class ControllerRequestVerifier {
  private readonly log = new RateLimitedLog(logger('state.change.logger'));
  private verified: { epoch: number; controllerId: number } | null = null;

  constructor(private readonly zkClient: KafkaZkClient, private readonly brokerId: number, private readonly brokerEpoch: () => bigint) {}

  /** NONE when the request may be obeyed, else the error it answers (nothing is applied). */
  async verify(apiKey: number, r: ControllerRequest): Promise<number> {
    if (r.brokerEpoch !== -1n && r.brokerEpoch > this.brokerEpoch() && !(await this.matchesZooKeeper(() => this.registeredEpoch(r.brokerEpoch)))) {
      this.refuse(apiKey, r, `broker epoch ${r.brokerEpoch} is not this broker's registration (epoch ${this.brokerEpoch()})`);
      return Errors.STALE_BROKER_EPOCH.code;
    }
    const v = this.verified;
    // Older epochs are the ReplicaManager's to refuse (STALE_CONTROLLER_EPOCH), as in Kafka.
    if (v !== null && r.controllerEpoch < v.epoch) return Errors.NONE.code;
    if (v !== null && r.controllerEpoch === v.epoch) {
      if (r.controllerId === v.controllerId) return Errors.NONE.code;
      this.refuse(apiKey, r, `controller ${v.controllerId} holds epoch ${v.epoch}`);
      return Errors.STALE_CONTROLLER_EPOCH.code;
    }
    let seen = '';
    const ok = await this.matchesZooKeeper(async () => {
      const [controllerId, epoch] = await Promise.all([this.zkClient.getControllerId(), this.zkClient.getControllerEpoch()]);
      seen = `ZooKeeper's controller is ${controllerId ?? 'none'} with epoch ${epoch?.epoch ?? 'none'}`;
      return controllerId === r.controllerId && epoch?.epoch === r.controllerEpoch;
    });
    if (!ok) {
      this.refuse(apiKey, r, seen);
      return Errors.STALE_CONTROLLER_EPOCH.code;
    }
    if (this.verified === null || r.controllerEpoch > this.verified.epoch) this.verified = { epoch: r.controllerEpoch, controllerId: r.controllerId };
    return Errors.NONE.code;
  }

  private async registeredEpoch(epoch: bigint): Promise<boolean> {
    return (await this.zkClient.getBrokerAndEpoch(this.brokerId))?.epoch === epoch;
  }

  /** The check, and once more after a sync when it fails. */
  private async matchesZooKeeper(check: () => Promise<boolean>): Promise<boolean> {
    if (await check()) return true;
    await this.zkClient.zooKeeperClient.multi([ZkOps.check(ControllerEpochZNode.path, -1)]).catch(() => undefined);
    return check();
  }

  private refuse(apiKey: number, r: ControllerRequest, why: string): void {
    this.log.warn(`forged-${apiKey}`, { controllerId: r.controllerId, controllerEpoch: r.controllerEpoch, brokerEpoch: String(r.brokerEpoch) },
      `Ignoring ${apiKeyName(apiKey)} from controller ${r.controllerId} with epoch ${r.controllerEpoch} and broker epoch ${r.brokerEpoch}: ${why}`);
  }
}
