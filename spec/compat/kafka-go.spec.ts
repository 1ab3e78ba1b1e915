/**
 * segmentio kafka-go (Go; Debian's golang-github-segmentio-kafka-go-dev) × features, against the
 * compat cluster. The client code is go/src/compat/kafkago, built offline from Debian's Go sources
 * (go-programs.ts). This old version speaks Produce v2 / Fetch v2 with magic-1 message sets, so its
 * rows also cover the broker's magic-1 up- and down-conversion.
 */
import { expect } from 'chai';
import kafkajs from 'kafkajs';
import { eventually, kafkajsClient } from '../integration/support.js';
import { createTopic } from './cluster.js';
import { expectSixFullPartitions, missingGoPackages, upstreamVersion, useGoClient } from './go-programs.js';
import { check, compatClient, noSuchApi } from './matrix.js';
import { expectExactReadBack, expectGroupRestart, type GroupRestart, type WireRecord } from './read-back.js';

const PACKAGES = ['golang-github-segmentio-kafka-go-dev'];
const missing = missingGoPackages(PACKAGES);
const client = compatClient({ name: 'kafka-go (segmentio)', version: `${upstreamVersion(PACKAGES[0]!)} (Debian)`, ...(missing ? { notTested: missing } : {}) });

interface ReadBack { sent: WireRecord[]; read: WireRecord[] | null }

describe(`compat: kafka-go ${client.version}`, function () {
  this.timeout(120_000);
  if (missing) return;
  const { cluster, run: go } = useGoClient('kafkago', PACKAGES);

  check(client, 'metadata from one broker', async () => {
    await createTopic(cluster(), 'kgo-meta', 6, 3);
    const md = await go<{ brokers: string[]; partitions: Array<{ partition: number; leader: number; replicas: number[]; isr: number[] }> }>('metadata', 'kgo-meta', [], undefined, cluster().bootstrapServers[1]!);
    expect(md.brokers).to.deep.equal(cluster().brokers.map((b) => `${b.brokerId}:${b.bootstrap}`).sort());
    expectSixFullPartitions(md.partitions);
    return 'Conn.ReadPartitions (Metadata v1) on broker 1: 6 partitions RF 3 with full ISR, the 3 brokers\' addresses';
  });

  check(client, 'create topic', async () => {
    const out = await go<{ partitions: number; replicationFactors: Record<string, number> }>('create-topic', 'kgo-created');
    expect(out).to.deep.equal({ partitions: 6, replicationFactors: { 3: 6 } });
    // kafka-go 0.2.1 cannot describe configs: kafkajs reads the topic config it set.
    const admin = kafkajsClient(cluster(), 'compat-kafka-go-admin').admin();
    await admin.connect();
    try {
      const d = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: 'kgo-created', configNames: ['retention.ms'] }] });
      expect(d.resources[0]!.configEntries.map((e) => [e.configName, e.configValue])).to.deep.equal([['retention.ms', '3600000']]);
    } finally {
      await admin.disconnect();
    }
    return 'Conn.CreateTopics (v0) on the controller: 6 partitions RF 3 with retention.ms (read back with kafkajs)';
  });

  check(client, '10,000 keyed records, acks=all, read back exactly', async () => {
    await createTopic(cluster(), 'kgo-keyed', 6, 3);
    const out = await go<ReadBack>('produce-read', 'kgo-keyed', ['10000', 'none']);
    const r = expectExactReadBack(out.sent, out.read);
    return `${r.records} records, ${r.keys} keys over ${r.partitions} partitions on the Hash balancer's partitions, in send order (the Writer returns no offsets)`;
  });

  for (const codec of ['none', 'gzip', 'snappy', 'lz4']) {
    check(client, `compression: ${codec}`, async () => {
      const topic = `kgo-codec-${codec}`;
      await createTopic(cluster(), topic, 2, 3);
      const out = await go<ReadBack>('produce-read', topic, ['500', codec]);
      const r = expectExactReadBack(out.sent, out.read);
      return `${r.records} keyed records (Produce v2 / Fetch v2, magic 1)`;
    });
  }

  noSuchApi(client, 'compression: zstd', 'kafka-go 0.2.1 has no zstd codec (gzip, snappy and lz4 only)');

  check(client, 'consumer group: 3 members on 6 partitions, restart from committed offsets', async () => {
    await createTopic(cluster(), 'kgo-group', 6, 3);
    const out = await go<GroupRestart>('group', 'kgo-group', [], 110_000);
    return expectGroupRestart(out) + ' (committed offsets as the new members\' OffsetFetch v1 answered)';
  }, 115_000);

  noSuchApi(client, 'idempotent producer', 'kafka-go 0.2.1 has no idempotent producer');
  noSuchApi(client, 'transactions', 'kafka-go 0.2.1 has no transactions');
  noSuchApi(client, 'list and describe groups', 'kafka-go 0.2.1 has no public ListGroups/DescribeGroups (the Conn methods for them are unexported)');

  check(client, 'offsets by timestamp', async () => {
    await createTopic(cluster(), 'kgo-time', 1, 3);
    const out = await go<Record<string, number>>('offsets-by-time', 'kgo-time');
    expect(out).to.deep.equal({ beforeAll: 0, between: 50, future: -1, latest: 100, earliest: 0 });
    return 'Conn.ReadOffset (ListOffsets v1) on magic-1 timestamps: first record at or after the time 50, before all 0, a future time -1';
  });

  check(client, 'delete topic', async () => {
    await createTopic(cluster(), 'kgo-deleted', 2, 3);
    const out = await go<{ partitionsBefore: number }>('delete-topic', 'kgo-deleted');
    expect(out.partitionsBefore).to.equal(2);
    const admin = kafkajsClient(cluster(), 'compat-kafka-go-admin').admin();
    await admin.connect();
    try {
      await eventually(async () => !(await admin.listTopics()).includes('kgo-deleted'), 30_000, 'kgo-deleted gone');
    } finally {
      await admin.disconnect();
    }
    return 'Conn.DeleteTopics (v0) on the controller: gone from the cluster\'s topics (listed with kafkajs)';
  });
});
