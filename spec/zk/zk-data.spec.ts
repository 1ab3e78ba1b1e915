import { expect } from 'chai';
import { BrokerIdZNode, type BrokerInfo } from '../../lib/zk/broker-znodes.js';
import { ClusterIdZNode, FeatureZNode } from '../../lib/zk/cluster-znodes.js';
import { ConfigEntityChangeNotificationSequenceZNode, ConfigEntityZNode } from '../../lib/zk/config-znodes.js';
import { ControllerEpochZNode, ControllerZNode } from '../../lib/zk/controller-znodes.js';
import { InvalidZNodeDataError, randomUuid, uuidFromString } from '../../lib/zk/znode-json.js';
import { IsrChangeNotificationSequenceZNode, LogDirEventNotificationSequenceZNode } from '../../lib/zk/notification-znodes.js';
import { PersistentZkPaths } from '../../lib/zk/zk-data.js';
import { PreferredReplicaElectionZNode, ReassignPartitionsZNode } from '../../lib/zk/admin-znodes.js';
import { ProducerIdBlockZNode } from '../../lib/zk/producer-id-znodes.js';
import { TopicPartitionStateZNode, TopicZNode } from '../../lib/zk/topic-znodes.js';

/** Parses encoder output and checks it has exactly the keys, and key types, of ZOOKEEPER.md's example. */
function sameShape(actual: Buffer, documented: string): Record<string, unknown> {
  const a = JSON.parse(actual.toString('utf8')) as Record<string, unknown>;
  const d = JSON.parse(documented) as Record<string, unknown>;
  expect(Object.keys(a).sort()).to.deep.equal(Object.keys(d).sort());
  for (const k of Object.keys(d)) {
    const kind = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
    expect(kind(a[k]), `type of ${k}`).to.equal(kind(d[k]));
  }
  return a;
}

const broker: BrokerInfo = {
  id: 1,
  endpoints: [
    { listenerName: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: 'b1.example', port: 9092 },
    { listenerName: 'INTERNAL', securityProtocol: 'SSL', host: 'b1.example', port: 9093 },
  ],
  rack: 'r1',
};

describe('ZkData', () => {
  it('encodes /cluster/id with a string version, as ZOOKEEPER.md shows', () => {
    const a = sameShape(ClusterIdZNode.toJson('mWg2BMuGSvSPxLqRLd_Ulg'), '{"version":"1","id":"mWg2BMuGSvSPxLqRLd_Ulg"}');
    expect(a.version).to.equal('1');
    expect(ClusterIdZNode.fromJson(ClusterIdZNode.toJson('abc'))).to.equal('abc');
  });

  it('encodes /controller as version 2 with a string timestamp and kraftControllerEpoch -1', () => {
    const a = sameShape(ControllerZNode.encode(1, 1700000000000), '{"version":2,"brokerid":1,"timestamp":"1700000000000","kraftControllerEpoch":-1}');
    expect(a).to.deep.equal({ version: 2, brokerid: 1, timestamp: '1700000000000', kraftControllerEpoch: -1 });
    expect(ControllerZNode.decode(Buffer.from('{"version":1,"brokerid":3,"timestamp":"1"}')).brokerId).to.equal(3);
  });

  it('encodes /controller_epoch as plain decimal text', () => {
    expect(ControllerEpochZNode.encode(7).toString()).to.equal('7');
    expect(ControllerEpochZNode.decode(Buffer.from('7'))).to.equal(7);
    expect(() => ControllerEpochZNode.decode(Buffer.from('{"x":1}'))).to.throw(InvalidZNodeDataError);
  });

  it('encodes /brokers/ids/<id> as version 5 with endpoints, listener map, rack, jmx_port -1 and features {}', () => {
    const doc =
      '{"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT","INTERNAL":"SSL"},"endpoints":["PLAINTEXT://b1.example:9092","INTERNAL://b1.example:9093"],' +
      '"rack":"r1","jmx_port":-1,"features":{},"host":"b1.example","port":9092,"timestamp":"1700000000000","version":5}';
    const a = sameShape(BrokerIdZNode.encode(broker, 1700000000000), doc);
    expect(a).to.deep.equal(JSON.parse(doc));
  });

  it('omits rack when broker.rack is unset and uses null/-1 host/port without a PLAINTEXT endpoint', () => {
    const a = JSON.parse(
      BrokerIdZNode.encode({ id: 2, endpoints: [{ listenerName: 'SSL', securityProtocol: 'SSL', host: 'h', port: 1 }] }).toString(),
    ) as Record<string, unknown>;
    expect(a).to.not.have.property('rack');
    expect(a.host).to.equal(null);
    expect(a.port).to.equal(-1);
  });

  it('decodes broker registrations of versions 1, 4 and 5', () => {
    const v5 = BrokerIdZNode.decode(1, BrokerIdZNode.encode(broker));
    expect(v5.endpoints).to.deep.equal(broker.endpoints);
    expect(v5.rack).to.equal('r1');
    const v1 = BrokerIdZNode.decode(4, Buffer.from('{"version":1,"host":"h","port":9092,"jmx_port":-1,"timestamp":"1"}'));
    expect(v1.endpoints).to.deep.equal([{ listenerName: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: 'h', port: 9092 }]);
    const v4 = BrokerIdZNode.decode(5, Buffer.from('{"version":4,"host":"h","port":1,"jmx_port":-1,"timestamp":"1","endpoints":["CLIENT://[::1]:9092"],"listener_security_protocol_map":{"CLIENT":"SASL_PLAINTEXT"}}'));
    expect(v4.endpoints).to.deep.equal([{ listenerName: 'CLIENT', securityProtocol: 'SASL_PLAINTEXT', host: '::1', port: 9092 }]);
  });

  it('encodes /brokers/topics/<t> as version 3 with topic_id and reassignment maps', () => {
    const doc = '{"version":3,"topic_id":"q2bq1bKAQYiu9bVKnC3ukQ","partitions":{"0":[1,2,3],"1":[2,3,1],"2":[3,1,2]},"adding_replicas":{},"removing_replicas":{}}';
    const assignment = new Map([
      [0, { replicas: [1, 2, 3], addingReplicas: [], removingReplicas: [] }],
      [1, { replicas: [2, 3, 1], addingReplicas: [], removingReplicas: [] }],
      [2, { replicas: [3, 1, 2], addingReplicas: [], removingReplicas: [] }],
    ]);
    const a = sameShape(TopicZNode.encode('q2bq1bKAQYiu9bVKnC3ukQ', assignment), doc);
    expect(a).to.deep.equal(JSON.parse(doc));
    const back = TopicZNode.decode('orders', TopicZNode.encode('q2bq1bKAQYiu9bVKnC3ukQ', assignment));
    expect(back.topicId).to.equal('q2bq1bKAQYiu9bVKnC3ukQ');
    expect(back.assignment.get(1)?.replicas).to.deep.equal([2, 3, 1]);
  });

  it('lists only partitions under reassignment in adding_replicas/removing_replicas', () => {
    const enc = TopicZNode.encode(null, new Map([[0, { replicas: [1, 2, 4], addingReplicas: [4], removingReplicas: [3] }], [1, { replicas: [2], addingReplicas: [], removingReplicas: [] }]]));
    const a = JSON.parse(enc.toString()) as Record<string, unknown>;
    expect(a.adding_replicas).to.deep.equal({ '0': [4] });
    expect(a.removing_replicas).to.deep.equal({ '0': [3] });
    expect(a).to.not.have.property('topic_id');
    expect(TopicZNode.decode('t', enc).assignment.get(0)).to.deep.equal({ replicas: [1, 2, 4], addingReplicas: [4], removingReplicas: [3] });
  });

  it('encodes partition state as version 1 and writes leader_recovery_state only when it is 1', () => {
    const doc = '{"controller_epoch":7,"leader":2,"version":1,"leader_epoch":4,"isr":[2,3,1]}';
    const state = { controllerEpoch: 7, leaderAndIsr: { leader: 2, leaderEpoch: 4, isr: [2, 3, 1], leaderRecoveryState: 0, partitionEpoch: 0 } };
    expect(sameShape(TopicPartitionStateZNode.encode(state), doc)).to.deep.equal(JSON.parse(doc));
    const recovering = JSON.parse(TopicPartitionStateZNode.encode({ ...state, leaderAndIsr: { ...state.leaderAndIsr, leaderRecoveryState: 1 } }).toString()) as Record<string, unknown>;
    expect(recovering.leader_recovery_state).to.equal(1);
    const back = TopicPartitionStateZNode.decode({ topic: 't', partition: 0 }, Buffer.from(doc), 9);
    expect(back).to.deep.equal({ controllerEpoch: 7, leaderAndIsr: { leader: 2, leaderEpoch: 4, isr: [2, 3, 1], leaderRecoveryState: 0, partitionEpoch: 9 } });
  });

  it('encodes entity configs, config change notifications (v2) and reads v1 notifications', () => {
    const doc = '{"version":1,"config":{"cleanup.policy":"compact","min.insync.replicas":"2"}}';
    expect(sameShape(ConfigEntityZNode.encode({ 'cleanup.policy': 'compact', 'min.insync.replicas': '2' }), doc)).to.deep.equal(JSON.parse(doc));
    expect(ConfigEntityZNode.decode('/config/topics/t', null)).to.deep.equal({});
    const n = sameShape(ConfigEntityChangeNotificationSequenceZNode.encode('topics/orders'), '{"version":2,"entity_path":"topics/orders"}');
    expect(n.entity_path).to.equal('topics/orders');
    expect(ConfigEntityChangeNotificationSequenceZNode.decode('/x', Buffer.from('{"version":1,"entity_type":"topics","entity_name":"orders"}'))).to.equal('topics/orders');
  });

  it('encodes ISR change, log-dir event, reassignment and preferred election notifications', () => {
    const tps = [{ topic: 'orders', partition: 0 }, { topic: 'orders', partition: 3 }];
    const isr = '{"version":1,"partitions":[{"topic":"orders","partition":0},{"topic":"orders","partition":3}]}';
    expect(sameShape(IsrChangeNotificationSequenceZNode.encode(tps), isr)).to.deep.equal(JSON.parse(isr));
    expect(IsrChangeNotificationSequenceZNode.decode('/x', Buffer.from(isr))).to.deep.equal(tps);
    expect(IsrChangeNotificationSequenceZNode.sequenceNumber('/isr_change_notification/isr_change_0000000042')).to.equal('0000000042');
    const ld = '{"version":1,"broker":2,"event":1}';
    expect(sameShape(LogDirEventNotificationSequenceZNode.encode(2), ld)).to.deep.equal(JSON.parse(ld));
    const ra = '{"version":1,"partitions":[{"topic":"orders","partition":0,"replicas":[4,5,6]}]}';
    expect(JSON.parse(ReassignPartitionsZNode.encode([{ topic: 'orders', partition: 0, replicas: [4, 5, 6] }]).toString())).to.deep.equal(JSON.parse(ra));
    const pe = '{"version":1,"partitions":[{"topic":"orders","partition":0}]}';
    expect(JSON.parse(PreferredReplicaElectionZNode.encode([{ topic: 'orders', partition: 0 }]).toString())).to.deep.equal(JSON.parse(pe));
  });

  it('encodes the producer id block with string bounds and decodes it back', () => {
    const doc = '{"version":1,"broker":0,"block_start":"5000","block_end":"5999"}';
    const enc = ProducerIdBlockZNode.encode({ assignedBrokerId: 0, firstProducerId: 5000n, size: 1000 });
    expect(sameShape(enc, doc)).to.deep.equal(JSON.parse(doc));
    expect(ProducerIdBlockZNode.decode(enc)).to.deep.equal({ assignedBrokerId: 0, firstProducerId: 5000n, size: 1000 });
  });

  it('encodes /feature as version 2 with status', () => {
    const doc = '{"features":{},"version":2,"status":1}';
    expect(sameShape(FeatureZNode.encode(1), doc)).to.deep.equal(JSON.parse(doc));
    expect(FeatureZNode.decode(FeatureZNode.encode(1, { 'metadata.version': 7 }))).to.deep.equal({ version: 2, status: 1, features: { 'metadata.version': 7 } });
  });

  it('lists the persistent top-level paths Kafka creates at start-up', () => {
    expect([...PersistentZkPaths].sort()).to.deep.equal(
      [
        '/consumers', '/brokers/ids', '/brokers/topics', '/config/changes', '/admin/delete_topics', '/brokers/seqid',
        '/isr_change_notification', '/latest_producer_id_block', '/log_dir_event_notification', '/config/topics',
        '/config/clients', '/config/users', '/config/brokers', '/config/ips',
      ].sort(),
    );
  });

  it('generates 22-character URL-safe topic ids that round-trip', () => {
    for (let i = 0; i < 50; i++) {
      const id = randomUuid();
      expect(id).to.match(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(uuidFromString(id)).to.have.length(16);
    }
  });

  it('throws InvalidZNodeDataError on garbage instead of crashing later', () => {
    const garbage = [null, Buffer.from(''), Buffer.from('\xff\xfe'), Buffer.from('[1,2]'), Buffer.from('{"leader":"x"}'), Buffer.from('{"version":5,"endpoints":"nope"}')];
    for (const g of garbage) {
      expect(() => TopicPartitionStateZNode.decode({ topic: 't', partition: 0 }, g, 0)).to.throw(InvalidZNodeDataError);
      expect(() => BrokerIdZNode.decode(1, g)).to.throw(InvalidZNodeDataError);
      expect(() => ProducerIdBlockZNode.decode(g)).to.throw(InvalidZNodeDataError);
    }
    expect(() => TopicZNode.decode('t', Buffer.from('{"version":3,"partitions":{"x":[1]}}'))).to.throw(InvalidZNodeDataError);
    expect(() => TopicZNode.decode('t', Buffer.from('{"version":3,"topic_id":"short","partitions":{}}'))).to.throw(InvalidZNodeDataError);
    expect(() => TopicZNode.decode('t', Buffer.from('{"version":3,"partitions":{"0":[1,"2"]}}'))).to.throw(InvalidZNodeDataError);
    expect(() => ConfigEntityZNode.decode('/c', Buffer.from('{"version":1,"config":{"a":1}}'))).to.throw(InvalidZNodeDataError);
  });
});
