/**
 * sarama (Go; Debian's golang-github-shopify-sarama-dev) × features, against the compat cluster.
 * The client code is go/src/compat/sarama, built offline from Debian's Go sources (go-programs.ts).
 * Most checks use Version 2.0.0 (Produce v3, Fetch v4, record batches); the old-protocol rows use
 * sarama's default configuration, Version 0.8.2: Produce v0 and Fetch v0 with magic-0 messages.
 */
import { expect } from 'chai';
import { createTopic } from './cluster.js';
import { expectSixFullPartitions, missingGoPackages, upstreamVersion, useGoClient } from './go-programs.js';
import { check, compatClient, noSuchApi } from './matrix.js';
import { expectExactReadBack, expectGroupRestart, type GroupRestart, type WireRecord } from './read-back.js';

const PACKAGES = ['golang-github-shopify-sarama-dev'];
const missing = missingGoPackages(PACKAGES);
const client = compatClient({ name: 'sarama', version: `${upstreamVersion(PACKAGES[0]!)} (Debian)`, ...(missing ? { notTested: missing } : {}) });

interface ReadBack { sent: WireRecord[]; read: WireRecord[] | null; produceError?: string; produceErrorCode?: number }

describe(`compat: sarama ${client.version}`, function () {
  this.timeout(120_000);
  if (missing) return;
  const { cluster, run: go } = useGoClient('sarama', PACKAGES);

  check(client, 'metadata from one broker', async () => {
    await createTopic(cluster(), 'sarama-meta', 6, 3);
    const md = await go<{ brokers: Array<{ id: number; addr: string }>; controller: number; partitions: Array<{ partition: number; leader: number; replicas: number[]; isr: number[] }> }>('metadata', 'sarama-meta', [], undefined, cluster().bootstrapServers[1]!);
    expect(md.brokers.map((b) => `${b.id}:${b.addr}`).sort()).to.deep.equal(cluster().brokers.map((b) => `${b.brokerId}:${b.bootstrap}`).sort());
    expect([0, 1, 2]).to.include(md.controller);
    expectSixFullPartitions(md.partitions);
    return 'bootstrapped from broker 1: 3 brokers, the controller; 6 partitions RF 3 with full ISR';
  });

  check(client, 'create topic', async () => {
    const out = await go<{ partitions: number; replicationFactors: Record<string, number>; 'retention.ms': string }>('create-topic', 'sarama-created');
    expect(out).to.deep.equal({ partitions: 6, replicationFactors: { 3: 6 }, 'retention.ms': '3600000' });
    return 'ClusterAdmin.CreateTopic: 6 partitions RF 3 with retention.ms, read back through metadata and DescribeConfig';
  });

  check(client, '10,000 keyed records, acks=all, read back exactly', async () => {
    await createTopic(cluster(), 'sarama-keyed', 6, 3);
    const out = await go<ReadBack>('produce-read', 'sarama-keyed', ['10000', 'none']);
    const r = expectExactReadBack(out.sent, out.read);
    return `${r.records} records, ${r.keys} keys over ${r.partitions} partitions (hash partitioner), each at its acknowledged offset`;
  });

  for (const codec of ['none', 'gzip', 'snappy', 'lz4']) {
    check(client, `compression: ${codec}`, async () => {
      const topic = `sarama-codec-${codec}`;
      await createTopic(cluster(), topic, 2, 3);
      const out = await go<ReadBack>('produce-read', topic, ['500', codec]);
      const r = expectExactReadBack(out.sent, out.read);
      return `${r.records} keyed records (Produce v3 / Fetch v4)`;
    });
  }

  check(client, 'compression: zstd', async () => {
    await createTopic(cluster(), 'sarama-codec-zstd', 2, 3);
    const out = await go<ReadBack>('produce-read', 'sarama-codec-zstd', ['50', 'zstd']);
    // sarama 1.22 sends zstd batches on Produce v3; Kafka takes zstd from Produce v7 only (KIP-110).
    expect(out.produceErrorCode, out.produceError).to.equal(76);
    expect(out.read ?? []).to.deep.equal([]);
    return 'sarama 1.22 sends zstd on Produce v3: refused with UNSUPPORTED_COMPRESSION_TYPE and nothing appended, as Kafka does (zstd needs Produce v7)';
  });

  for (const codec of ['none', 'gzip', 'snappy']) {
    check(client, `old protocol (default Version 0.8.2, magic 0): ${codec}`, async () => {
      const topic = `sarama-v0-${codec}`;
      await createTopic(cluster(), topic, 2, 3);
      const out = await go<ReadBack & { defaultVersion: string; readModern: WireRecord[]; fetchV0: { magics: Record<string, number>; codecs: Record<string, number>; innerMessages: number } }>('old-protocol', topic, [codec, '300']);
      expect(out.defaultVersion).to.equal('0.8.2.0');
      expectExactReadBack(out.sent, out.read, { keysPinned: false });
      expectExactReadBack(out.sent, out.readModern, { keysPinned: false });
      expect(Object.keys(out.fetchV0.magics), 'Fetch v0 answers magic-0 messages only').to.deep.equal(['0']);
      expect(Object.keys(out.fetchV0.codecs), 'their codec').to.deep.equal([codec]);
      if (codec !== 'none') expect(out.fetchV0.innerMessages, 'wrapped messages').to.equal(300);
      return `300 keyed records produced (Produce v0) and consumed (Fetch v0) at their offsets, also read with Fetch v4; `
        + `a raw Fetch v0 answers magic-0 messages${codec === 'none' ? '' : `, ${codec} wrappers`}`;
    });
  }

  check(client, 'consumer group: 3 members on 6 partitions, restart from committed offsets', async () => {
    await createTopic(cluster(), 'sarama-group', 6, 3);
    const out = await go<GroupRestart>('group', 'sarama-group', [], 110_000);
    return expectGroupRestart(out);
  }, 115_000);

  check(client, 'idempotent producer', async () => {
    await createTopic(cluster(), 'sarama-idempotent', 2, 3);
    const out = await go<ReadBack>('idempotent', 'sarama-idempotent');
    const r = expectExactReadBack(out.sent, out.read, { keysPinned: false });
    return `Producer.Idempotent: ${r.records} records exactly once, in order`;
  });

  noSuchApi(client, 'transactions', 'sarama 1.22 has no transactional producer (sarama added one in 1.37)');

  check(client, 'list and describe groups', async () => {
    await createTopic(cluster(), 'sarama-groups', 2, 3);
    type Description = { group: string; state: string; protocolType: string; protocol: string; error: number; members: number[][] | null };
    const out = await go<{ listedType: string; stable: Description; empty: Description; committed: Record<string, number> }>('groups-admin', 'sarama-groups');
    expect(out.listedType).to.equal('consumer');
    expect(out.stable).to.deep.equal({ group: 'sarama-groups-g', state: 'Stable', protocolType: 'consumer', protocol: 'range', error: 0, members: [[0, 1]] });
    expect(out.empty).to.deep.equal({ group: 'sarama-groups-g', state: 'Empty', protocolType: 'consumer', protocol: '', error: 0, members: null });
    expect(out.committed).to.deep.equal({ 0: 5, 1: 5 });
    return 'ListConsumerGroups; DescribeConsumerGroups Stable with the member assignment, Empty after it left; its committed offsets';
  });

  check(client, 'offsets by timestamp', async () => {
    await createTopic(cluster(), 'sarama-time', 1, 3);
    const out = await go<Record<string, number>>('offsets-by-time', 'sarama-time');
    expect(out).to.deep.equal({ beforeAll: 0, between: 50, future: -1, latest: 100, earliest: 0 });
    return 'Client.GetOffset (ListOffsets v1): first record at or after the time 50, before all 0, a future time -1';
  });

  check(client, 'delete topic', async () => {
    await createTopic(cluster(), 'sarama-deleted', 2, 3);
    const out = await go<{ before: boolean; after: boolean }>('delete-topic', 'sarama-deleted');
    expect(out).to.deep.equal({ before: true, after: false });
    return 'ClusterAdmin.DeleteTopic: gone from ListTopics';
  });
});
