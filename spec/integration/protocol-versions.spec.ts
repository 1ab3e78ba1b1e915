/**
 * The newest request versions a Kafka 3.9 ZooKeeper-mode broker serves, on three real brokers:
 * ApiVersions advertises them; KIP-951 leader hints on Produce v10+ and Fetch v16+; Fetch v15's
 * ReplicaState; ListOffsets v8 (earliest local) and v9 (latest tiered); ListGroups v5 types;
 * AddPartitionsToTxn v4/v5 batches with KIP-890 verification.
 */
import { expect } from 'chai';
import { createTopic, kcat, request, useCluster } from './support.js';
import { Errors } from '../../lib/protocol/errors.js';
import { buildRecordBatch } from '../../lib/record/memory-records-builder.js';
import { ApiKeys } from '../../lib/protocol/index.js';
import { ZERO_UUID } from '../../lib/protocol/reader.js';

describe('newest protocol versions', function () {
  this.timeout(120_000);
  const cluster = useCluster({ brokers: 3 });

  const leaderAndFollower = async (topic: string): Promise<{ leader: number; other: number; leaderEpoch: number }> => {
    const m = await request(cluster().bootstrapServers[0]!, 3, 12, { topics: [{ name: topic, topicId: ZERO_UUID }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    const p = m.topics[0]!.partitions[0]!;
    return { leader: p.leaderId, leaderEpoch: p.leaderEpoch, other: [0, 1, 2].find((id) => id !== p.leaderId)! };
  };

  it('advertises Kafka 3.9\'s newest versions of the data, group and transaction APIs', async () => {
    const r = await request(cluster().bootstrapServers[0]!, ApiKeys.API_VERSIONS, 4, { clientSoftwareName: 'spec', clientSoftwareVersion: '1' });
    const max = new Map(r.apiKeys.map((k) => [k.apiKey, k.maxVersion]));
    expect(Object.fromEntries([0, 1, 2, 8, 9, 10, 16, 18, 22, 24, 25, 26, 28].map((k) => [k, max.get(k)]))).to.deep.equal({
      0: 11, 1: 17, 2: 9, 8: 9, 9: 9, 10: 6, 16: 5, 18: 4, 22: 5, 24: 5, 25: 4, 26: 4, 28: 4,
    });
  });

  it('names the current leader and its endpoint when a non-leader is asked to produce (v11) or fetch (v16, replica in ReplicaState for v15+)', async () => {
    await createTopic(cluster(), 'hints', 1, 1);
    const { leader, other, leaderEpoch } = await leaderAndFollower('hints');
    const wrong = cluster().broker(other).bootstrap;
    const records = buildRecordBatch([{ key: null, value: Buffer.from('x'), timestamp: BigInt(Date.now()) }]);
    const produced = await request(wrong, 0, 11, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'hints', partitionData: [{ index: 0, records }] }] });
    const pp = produced.responses[0]!.partitionResponses[0]!;
    expect(pp.errorCode).to.equal(Errors.NOT_LEADER_OR_FOLLOWER.code);
    expect(pp.currentLeader).to.deep.equal({ leaderId: leader, leaderEpoch });
    expect(produced.nodeEndpoints.map((n) => [n.nodeId, n.port])).to.deep.equal([[leader, cluster().broker(leader).port]]);
    const topicId = (await request(wrong, 3, 12, { topics: [{ name: 'hints', topicId: ZERO_UUID }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })).topics[0]!.topicId;
    const fetched = await request(wrong, 1, 16, {
      replicaState: { replicaId: -1, replicaEpoch: -1n }, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topicId, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    const fp = fetched.responses[0]!.partitions[0]!;
    expect(fp.errorCode).to.equal(Errors.NOT_LEADER_OR_FOLLOWER.code);
    expect(fp.currentLeader).to.deep.equal({ leaderId: leader, leaderEpoch });
    expect(fetched.nodeEndpoints.map((n) => n.nodeId)).to.deep.equal([leader]);
    // v15+: a fetch carrying a replica id in ReplicaState is a follower fetch: a non-replica broker id is refused.
    const asReplica = await request(cluster().broker(leader).bootstrap, 1, 15, {
      replicaState: { replicaId: 42, replicaEpoch: -1n }, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topicId, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    expect(asReplica.responses[0]!.partitions[0]!.errorCode).to.equal(Errors.NOT_LEADER_OR_FOLLOWER.code);
  });

  it('answers ListOffsets v8 earliest-local with the log start and v9 latest-tiered with -1 (no tiered storage)', async () => {
    await createTopic(cluster(), 'tiers', 1, 1);
    const { leader } = await leaderAndFollower('tiers');
    const b = cluster().broker(leader).bootstrap;
    expect((await kcat(['-b', b, '-P', '-t', 'tiers', '-p', '0'], 'a\nb\n')).code).to.equal(0);
    const ask = async (version: number, timestamp: bigint): Promise<bigint> => (await request(b, 2, version, {
      replicaId: -1, isolationLevel: 0, topics: [{ name: 'tiers', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] }],
    })).topics[0]!.partitions[0]!.offset;
    expect(await ask(8, -4n)).to.equal(0n);
    expect(await ask(9, -5n)).to.equal(-1n);
    expect(await ask(9, -1n)).to.equal(2n);
  });

  it('lists groups by type with ListGroups v5: every group is classic', async () => {
    const b = cluster().bootstrapServers[0]!;
    const all = await request(b, 16, 5, { statesFilter: [], typesFilter: [] });
    expect(all.errorCode).to.equal(0);
    expect(all.groups.every((g) => g.groupType === 'classic')).to.equal(true);
    expect((await request(b, 16, 5, { statesFilter: [], typesFilter: ['consumer'] })).groups).to.deep.equal([]);
  });

  it('verifies partitions of an ongoing transaction with AddPartitionsToTxn v4/v5 (KIP-890), and adds in batches', async () => {
    await createTopic(cluster(), 'verified', 2, 1);
    const id = 'kip-890';
    const b = cluster().bootstrapServers[0]!;
    const coordinator = await (async () => {
      for (;;) {
        const fc = await request(b, 10, 4, { keyType: 1, coordinatorKeys: [id] });
        const c = fc.coordinators[0]!;
        if (c.errorCode === 0) return cluster().broker(c.nodeId).bootstrap;
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const init = await request(coordinator, 22, 5, { transactionalId: id, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
    expect(init.errorCode).to.equal(0);
    const added = await request(coordinator, 24, 3, { v3AndBelowTransactionalId: id, v3AndBelowProducerId: init.producerId, v3AndBelowProducerEpoch: init.producerEpoch, v3AndBelowTopics: [{ name: 'verified', partitions: [0] }] });
    expect(added.resultsByTopicV3AndBelow[0]!.resultsByPartition[0]!.partitionErrorCode).to.equal(0);
    const verify = (version: number) => request(coordinator, 24, version, {
      transactions: [{ transactionalId: id, producerId: init.producerId, producerEpoch: init.producerEpoch, verifyOnly: true, topics: [{ name: 'verified', partitions: [0, 1] }] }],
    });
    const v5 = await verify(5);
    expect(v5.errorCode).to.equal(0);
    expect(v5.resultsByTransaction[0]!.topicResults[0]!.resultsByPartition.map((p) => p.partitionErrorCode)).to.deep.equal([0, Errors.TRANSACTION_ABORTABLE.code]);
    const v4 = await verify(4);
    expect(v4.resultsByTransaction[0]!.topicResults[0]!.resultsByPartition.map((p) => p.partitionErrorCode)).to.deep.equal([0, Errors.INVALID_TXN_STATE.code]);
    // A broker-side add (not verifyOnly) puts partition 1 in; then it verifies.
    const add = await request(coordinator, 24, 5, {
      transactions: [{ transactionalId: id, producerId: init.producerId, producerEpoch: init.producerEpoch, verifyOnly: false, topics: [{ name: 'verified', partitions: [1] }] }],
    });
    expect(add.resultsByTransaction[0]!.topicResults[0]!.resultsByPartition[0]!.partitionErrorCode).to.equal(0);
    expect((await verify(5)).resultsByTransaction[0]!.topicResults[0]!.resultsByPartition.map((p) => p.partitionErrorCode)).to.deep.equal([0, 0]);
    const fenced = await request(coordinator, 24, 5, {
      transactions: [{ transactionalId: id, producerId: init.producerId, producerEpoch: init.producerEpoch + 1, verifyOnly: true, topics: [{ name: 'verified', partitions: [0] }] }],
    });
    expect(fenced.resultsByTransaction[0]!.topicResults[0]!.resultsByPartition[0]!.partitionErrorCode).to.equal(Errors.PRODUCER_FENCED.code);
  });
});
