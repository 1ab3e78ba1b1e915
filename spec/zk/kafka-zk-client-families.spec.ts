import { expect } from 'chai';
import { KafkaZkClient } from '../../lib/zk/kafka-zk-client.js';
import { BrokerZkOps } from '../../lib/zk/broker-zk-ops.js';
import { ControllerZkOps } from '../../lib/zk/controller-zk-ops.js';
import { TopicZkOps } from '../../lib/zk/topic-zk-ops.js';
import { AdminZkOps } from '../../lib/zk/admin-zk-ops.js';
import { ConfigZkOps } from '../../lib/zk/config-zk-ops.js';
import { NotificationZkOps } from '../../lib/zk/notification-zk-ops.js';
import { KafkaZkClientBase } from '../../lib/zk/kafka-zk-client-base.js';

describe('KafkaZkClient assembled from its znode families', () => {
  it('carries every method of every family, once, on top of the common core', () => {
    const families = [BrokerZkOps, ControllerZkOps, TopicZkOps, AdminZkOps, ConfigZkOps, NotificationZkOps];
    const names = families.flatMap((f) => Object.getOwnPropertyNames(f.prototype).filter((n) => n !== 'constructor'));
    expect(new Set(names).size).to.equal(names.length);
    for (const f of families) {
      for (const n of Object.getOwnPropertyNames(f.prototype)) {
        if (n === 'constructor') continue;
        expect(KafkaZkClient.prototype[n as keyof KafkaZkClient], n).to.equal(f.prototype[n as keyof typeof f.prototype]);
      }
    }
    expect(KafkaZkClient.prototype).to.be.instanceOf(KafkaZkClientBase);
    expect(names).to.include.members(['registerBroker', 'registerControllerAndIncrementControllerEpoch', 'updateLeaderAndIsr',
      'setOrCreatePartitionReassignment', 'setOrCreateEntityConfigs', 'propagateIsrChanges']);
  });
});
