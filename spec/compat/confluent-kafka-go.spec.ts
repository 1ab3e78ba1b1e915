/**
 * confluent-kafka-go (Go over the system librdkafka through cgo; Debian's
 * golang-github-confluentinc-confluent-kafka-go-dev with librdkafka-dev) × features, against the
 * compat cluster. The client code is go/src/compat/confluentgo, built offline from Debian's Go
 * sources (go-programs.ts).
 */
import { expect } from 'chai';
import { createTopic } from './cluster.js';
import { expectSixFullPartitions, missingGoPackages, upstreamVersion, useGoClient } from './go-programs.js';
import { check, compatClient, noSuchApi } from './matrix.js';
import { expectExactReadBack, expectGroupRestart, type GroupRestart, type WireRecord } from './read-back.js';

const PACKAGES = ['golang-github-confluentinc-confluent-kafka-go-dev', 'librdkafka-dev'];
const missing = missingGoPackages(PACKAGES);
const client = compatClient({
  name: 'confluent-kafka-go',
  version: `${upstreamVersion(PACKAGES[0]!)} (Debian), librdkafka ${upstreamVersion(PACKAGES[1]!)}`,
  ...(missing ? { notTested: missing } : {}),
});

interface ReadBack { sent: WireRecord[]; read: WireRecord[] | null }

describe(`compat: confluent-kafka-go ${client.version}`, function () {
  this.timeout(120_000);
  if (missing) return;
  const { cluster, run: go } = useGoClient('confluentgo', PACKAGES);

  check(client, 'metadata from one broker', async () => {
    await createTopic(cluster(), 'ckg-meta', 6, 3);
    const md = await go<{ brokers: string[]; from: number; partitions: Array<{ ID: number; Leader: number; Replicas: number[]; Isrs: number[] }> }>('metadata', 'ckg-meta', [], undefined, cluster().bootstrapServers[1]!);
    expect(md.brokers).to.deep.equal(cluster().brokers.map((b) => `${b.brokerId}:${b.bootstrap}`).sort());
    expect(md.from).to.equal(cluster().brokers[1]!.brokerId);
    expectSixFullPartitions(md.partitions.map((p) => ({ partition: p.ID, leader: p.Leader, replicas: p.Replicas, isr: p.Isrs })));
    return 'AdminClient.GetMetadata bootstrapped from broker 1: 3 brokers; 6 partitions RF 3 with full ISR';
  });

  check(client, 'create topic', async () => {
    const out = await go<{ partitions: number; replicationFactors: Record<string, number>; 'retention.ms': string }>('create-topic', 'ckg-created');
    expect(out).to.deep.equal({ partitions: 6, replicationFactors: { 3: 6 }, 'retention.ms': '3600000' });
    return 'AdminClient.CreateTopics: 6 partitions RF 3 with retention.ms, read back through metadata and DescribeConfigs';
  });

  check(client, '10,000 keyed records, acks=all, read back exactly', async () => {
    await createTopic(cluster(), 'ckg-keyed', 6, 3);
    const out = await go<ReadBack>('produce-read', 'ckg-keyed', ['10000', 'none']);
    const r = expectExactReadBack(out.sent, out.read);
    return `${r.records} records, ${r.keys} keys over ${r.partitions} partitions (librdkafka's consistent_random partitioner), each at its delivered offset`;
  });

  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
    check(client, `compression: ${codec}`, async () => {
      const topic = `ckg-codec-${codec}`;
      await createTopic(cluster(), topic, 2, 3);
      const out = await go<ReadBack>('produce-read', topic, ['500', codec]);
      const r = expectExactReadBack(out.sent, out.read);
      return `${r.records} keyed records at their delivered offsets`;
    });
  }

  check(client, 'consumer group: 3 members on 6 partitions, restart from committed offsets', async () => {
    await createTopic(cluster(), 'ckg-group', 6, 3);
    const out = await go<GroupRestart>('group', 'ckg-group', [], 110_000);
    return expectGroupRestart(out) + ' (auto commit; Consumer.Committed read the offsets)';
  }, 115_000);

  check(client, 'idempotent producer', async () => {
    await createTopic(cluster(), 'ckg-idempotent', 2, 3);
    const out = await go<ReadBack>('idempotent', 'ckg-idempotent');
    const r = expectExactReadBack(out.sent, out.read, { keysPinned: false });
    return `enable.idempotence: ${r.records} records exactly once, in order`;
  });

  noSuchApi(client, 'transactions', 'confluent-kafka-go 0.11.6 has no transactional producer API (InitTransactions and the rest came in 1.4)');
  noSuchApi(client, 'list and describe groups', 'confluent-kafka-go 0.11.6 has no ListGroups/DescribeGroups API');

  check(client, 'offsets by timestamp', async () => {
    await createTopic(cluster(), 'ckg-time', 1, 3);
    const out = await go<Record<string, number>>('offsets-by-time', 'ckg-time');
    expect(out).to.deep.equal({ beforeAll: 0, between: 50, future: -1, latest: 100, earliest: 0 });
    return 'Consumer.OffsetsForTimes: first record at or after the time 50, before all 0, a future time -1; watermarks 0/100';
  });

  check(client, 'delete topic', async () => {
    await createTopic(cluster(), 'ckg-deleted', 2, 3);
    const out = await go<{ before: boolean; after: boolean }>('delete-topic', 'ckg-deleted');
    expect(out).to.deep.equal({ before: true, after: false });
    return 'AdminClient.DeleteTopics: gone from the metadata';
  });
});
