/**
 * Consumer groups on three broker processes and a real ZooKeeper, driven by stock clients:
 * kafkajs members joining and leaving (one owner per partition, surplus members idle), independent
 * groups, a member killed with -9 evicted after its session timeout, committed offsets surviving a
 * restart and a coordinator failover, kcat -G and confluent-kafka-python groups (and which clients
 * can share a group), the admin group APIs with lag, and keyed messages with both partitioners.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { createTopic, eventually, kafkajsClient, request, startBackground, useCluster, type BackgroundProcess } from './support.js';
import { Md5Partitioner, md5Partition } from '../../lib/client/partitioners.js';
import type { RunningCluster } from '../../lib/testing/cluster.js';

const { AssignerProtocol, PartitionAssigners } = kafkajs;
const SESSION_TIMEOUT_MS = 6000;
const HERE = path.dirname(fileURLToPath(import.meta.url));

type Assignment = Record<string, number[]>;

/** A kafkajs group member that records its GROUP_JOIN events and the messages it receives. */
class Member {
  readonly joins: Array<{ memberId: string; generationId: number; assignment: Assignment }> = [];
  readonly received: Array<{ partition: number; offset: string; key: string | null; value: string }> = [];
  private constructor(readonly consumer: kafkajs.Consumer) {}

  static async start(kafka: kafkajs.Kafka, groupId: string, topic: string, config: Partial<kafkajs.ConsumerConfig> = {}, onMessage?: (m: kafkajs.EachMessagePayload) => Promise<void>): Promise<Member> {
    const consumer = kafka.consumer({ groupId, sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 300, maxWaitTimeInMs: 200, ...config });
    const m = new Member(consumer);
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      m.joins.push({ memberId: e.payload.memberId, generationId: (e.payload as unknown as { generationId?: number }).generationId ?? -1, assignment: e.payload.memberAssignment as Assignment });
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async (p) => {
        m.received.push({ partition: p.partition, offset: p.message.offset, key: p.message.key?.toString() ?? null, value: p.message.value!.toString() });
        await onMessage?.(p);
      },
    });
    return m;
  }

  get memberId(): string | undefined {
    return this.joins[this.joins.length - 1]?.memberId;
  }

  partitions(topic: string): number[] {
    return [...(this.joins[this.joins.length - 1]?.assignment[topic] ?? [])].sort((a, b) => a - b);
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

interface GroupView {
  state: string;
  members: Array<{ memberId: string; clientId: string; partitions: number[] }>;
}

async function describeGroup(admin: kafkajs.Admin, groupId: string, topic: string): Promise<GroupView> {
  const { groups } = await admin.describeGroups([groupId]);
  const g = groups[0]!;
  return {
    state: g.state,
    members: g.members.map((m) => {
      const decoded = m.memberAssignment.length > 0 ? AssignerProtocol.MemberAssignment.decode(m.memberAssignment) : null;
      return { memberId: m.memberId, clientId: m.clientId, partitions: [...(decoded?.assignment[topic] ?? [])].sort((a, b) => a - b) };
    }),
  };
}

/** Every partition of 0..n-1 owned by exactly one member. */
function expectOneOwnerPerPartition(owned: number[][], n: number): void {
  const all = owned.flat().sort((a, b) => a - b);
  expect(all, `assignment ${JSON.stringify(owned)}`).to.deep.equal(Array.from({ length: n }, (_, i) => i));
}

async function produceValues(kafka: kafkajs.Kafka, topic: string, messages: kafkajs.Message[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

async function coordinatorOf(cluster: RunningCluster, groupId: string): Promise<number> {
  const b = cluster.brokers.find((x) => x.isRunning)!;
  const r = await request(b.bootstrap, 10, 1, { key: groupId, keyType: 0, coordinatorKeys: [] });
  if (r.errorCode !== 0) throw new Error(`FindCoordinator answered ${r.errorCode}`);
  return r.nodeId;
}

describe('consumer groups on three brokers', function () {
  this.timeout(120_000);
  const cluster = useCluster({
    brokers: 3,
    overrides: {
      'group.initial.rebalance.delay.ms': 0,
      'offsets.topic.num.partitions': 10,
      'zookeeper.session.timeout.ms': 4000,
      'auto.leader.rebalance.enable': false,
    },
  });
  let kafka: kafkajs.Kafka;
  let admin: kafkajs.Admin;
  const members: Member[] = [];
  const background: BackgroundProcess[] = [];

  before(async () => {
    kafka = kafkajsClient(cluster(), 'groups-spec');
    admin = kafka.admin();
    await admin.connect();
  });
  afterEach(async () => {
    await Promise.all(members.splice(0).map((m) => m.stop()));
    await Promise.all(background.splice(0).map((b) => b.stop('SIGKILL')));
  });
  after(async () => {
    await admin?.disconnect();
  });

  it('gives each of 5 partitions exactly one owner as 1..6 members join and leave, the 6th owning none', async () => {
    const topic = 'five';
    await createTopic(cluster(), topic, 5, 3);
    const groupId = 'g-join-leave';
    const check = async (live: Member[]): Promise<void> => {
      const view = await eventually(async () => {
        const v = await describeGroup(admin, groupId, topic);
        const ids = live.map((m) => m.memberId);
        if (v.state !== 'Stable' || v.members.length !== live.length) return undefined;
        if (!v.members.every((x) => ids.includes(x.memberId))) return undefined;
        // Every live member has seen the assignment the coordinator holds for it.
        const agree = live.every((m) => JSON.stringify(m.partitions(topic)) === JSON.stringify(v.members.find((x) => x.memberId === m.memberId)!.partitions));
        return agree ? v : undefined;
      }, 30_000, `a stable group of ${live.length}`);
      expectOneOwnerPerPartition(live.map((m) => m.partitions(topic)), 5);
      const counts = live.map((m) => m.partitions(topic).length).sort();
      if (live.length <= 5) expect(Math.max(...counts) - Math.min(...counts), `even spread ${counts}`).to.be.at.most(1);
      else expect(counts.filter((c) => c === 0)).to.have.length(1);
      expect(view.members).to.have.length(live.length);
    };
    for (let n = 1; n <= 6; n++) {
      members.push(await Member.start(kafka, groupId, topic));
      await check(members);
    }
    const idle = members.find((m) => m.partitions(topic).length === 0)!;
    expect(idle, 'the member without partitions').to.not.equal(undefined);
    while (members.length > 1) {
      // Leave with a member that owns partitions first, so the idle one must take over.
      const leaving = members.find((m) => m.partitions(topic).length > 0)!;
      members.splice(members.indexOf(leaving), 1);
      await leaving.stop();
      await check(members);
    }
    expect(members[0]!.partitions(topic)).to.deep.equal([0, 1, 2, 3, 4]);
  });

  it('delivers every message to each of two groups on one topic, each message to one member of a group', async () => {
    const topic = 'two-groups';
    await createTopic(cluster(), topic, 4, 3);
    for (const g of ['g-a', 'g-b']) for (let i = 0; i < 2; i++) members.push(await Member.start(kafka, g, topic));
    await eventually(async () => {
      for (const g of ['g-a', 'g-b']) {
        const v = await describeGroup(admin, g, topic);
        if (v.state !== 'Stable' || v.members.length !== 2) return false;
      }
      return true;
    }, 30_000, 'both groups stable');
    const values = Array.from({ length: 400 }, (_, i) => String(i));
    await produceValues(kafka, topic, values.map((value) => ({ value })));
    for (const [i, g] of ['g-a', 'g-b'].entries()) {
      const groupMembers = members.slice(i * 2, i * 2 + 2);
      const got = await eventually(async () => {
        const all = groupMembers.flatMap((m) => m.received.map((r) => r.value));
        return all.length >= 400 ? all : undefined;
      }, 30_000, `group ${g} to receive 400`);
      expect(got.sort((a, b) => Number(a) - Number(b)), g).to.deep.equal(values);
      expect(groupMembers.every((m) => m.received.length > 0), `${g}: both members received some`).to.equal(true);
    }
  });

  it('evicts a member killed with -9 after session.timeout.ms and gives its partitions to the others', async () => {
    const topic = 'evict';
    const groupId = 'g-evict';
    await createTopic(cluster(), topic, 4, 3);
    const survivor = await Member.start(kafka, groupId, topic);
    members.push(survivor);
    const child = startBackground(process.execPath, [path.join(HERE, 'kafkajs-group-member.cjs'), cluster().bootstrapServers.join(','), groupId, topic, String(SESSION_TIMEOUT_MS)]);
    background.push(child);
    const childJoin = await eventually(async () => {
      const joins = child.lines().map((l) => JSON.parse(l) as { event: string; memberId: string; assignment: Assignment }).filter((e) => e.event === 'join');
      const last = joins[joins.length - 1];
      const v = await describeGroup(admin, groupId, topic);
      const ok = last && (last.assignment[topic]?.length ?? 0) > 0 && v.state === 'Stable' && v.members.length === 2 && survivor.partitions(topic).length > 0;
      return ok ? last : undefined;
    }, 30_000, 'a stable group of the survivor and the child');
    expectOneOwnerPerPartition([survivor.partitions(topic), [...childJoin.assignment[topic]!].sort()], 4);

    await child.stop('SIGKILL');
    const killedAt = Date.now();
    // No LeaveGroup: the coordinator keeps the member until its session times out.
    await new Promise((r) => setTimeout(r, 2000));
    const stillThere = await describeGroup(admin, groupId, topic);
    expect(stillThere.members.map((m) => m.memberId)).to.include(childJoin.memberId);
    await eventually(async () => {
      const v = await describeGroup(admin, groupId, topic);
      return v.state === 'Stable' && v.members.length === 1 && survivor.partitions(topic).length === 4;
    }, SESSION_TIMEOUT_MS + 20_000, 'the survivor to own every partition');
    const evictedAfter = Date.now() - killedAt;
    expect(evictedAfter).to.be.at.least(SESSION_TIMEOUT_MS - 1000);
    expect(survivor.partitions(topic)).to.deep.equal([0, 1, 2, 3]);
  });

  it('resumes from committed offsets after a consumer restart: nothing skipped, only uncommitted records delivered again', async () => {
    const topic = 'restart';
    const groupId = 'g-restart';
    await createTopic(cluster(), topic, 3, 3);
    await produceValues(kafka, topic, Array.from({ length: 90 }, (_, i) => ({ partition: i % 3, value: String(i) })));
    // The first consumer commits (explicitly, auto-commit off) only the first 20 records of each partition.
    const seen: Array<{ partition: number; offset: number }> = [];
    const a = kafka.consumer({ groupId, sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 300, maxWaitTimeInMs: 200 });
    await a.connect();
    await a.subscribe({ topics: [topic], fromBeginning: true });
    await a.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const offset = Number(message.offset);
        seen.push({ partition, offset });
        if (offset < 20) await a.commitOffsets([{ topic, partition, offset: String(offset + 1) }]);
      },
    });
    await eventually(async () => seen.length >= 90, 30_000, 'the first consumer to see all 90');
    await a.disconnect();
    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(offsets[0]!.partitions.sort((x, y) => x.partition - y.partition).map((p) => p.offset)).to.deep.equal(['20', '20', '20']);

    const again: Array<{ partition: number; offset: number }> = [];
    const b = kafka.consumer({ groupId, sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 300, maxWaitTimeInMs: 200 });
    await b.connect();
    await b.subscribe({ topics: [topic], fromBeginning: true });
    await b.run({ autoCommit: false, eachMessage: async ({ partition, message }) => void again.push({ partition, offset: Number(message.offset) }) });
    try {
      await eventually(async () => again.length >= 30, 30_000, 'the restarted consumer to receive the uncommitted records');
      await new Promise((r) => setTimeout(r, 500));
      for (let p = 0; p < 3; p++) {
        expect(again.filter((x) => x.partition === p).map((x) => x.offset), `partition ${p}`).to.deep.equal(Array.from({ length: 10 }, (_, i) => 20 + i));
      }
    } finally {
      await b.disconnect();
    }
  });

  it('answers describeGroups, listGroups, fetchOffsets, setOffsets, resetOffsets and deleteGroups, with lag per partition', async () => {
    const topic = 'admin-groups';
    const groupId = 'g-admin';
    await createTopic(cluster(), topic, 3, 3);
    await produceValues(kafka, topic, Array.from({ length: 30 }, (_, i) => ({ partition: i % 3, value: String(i) })));
    const m = await Member.start(kafka, groupId, topic);
    members.push(m);
    await eventually(async () => m.received.length >= 30, 30_000, 'the member to read all 30');
    const stable = await describeGroup(admin, groupId, topic);
    expect(stable.state).to.equal('Stable');
    expect(stable.members).to.have.length(1);
    expect(stable.members[0]!.partitions).to.deep.equal([0, 1, 2]);
    const described = (await admin.describeGroups([groupId])).groups[0]!;
    expect(described).to.deep.include({ protocolType: 'consumer', protocol: 'RoundRobinAssigner', errorCode: 0 });
    expect((await admin.listGroups()).groups).to.deep.include({ groupId, protocolType: 'consumer' });
    await members.splice(0)[0]!.stop();
    // kafkajs commits what it consumed when it leaves.
    const fetched = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(fetched[0]!.partitions.sort((a, b) => a.partition - b.partition).map((p) => p.offset)).to.deep.equal(['10', '10', '10']);
    expect((await describeGroup(admin, groupId, topic)).state).to.equal('Empty');

    // setOffsets on the empty group, then lag = high watermark - committed offset per partition.
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '4' }, { partition: 1, offset: '10' }, { partition: 2, offset: '0' }] });
    const committed = (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions;
    const ends = await admin.fetchTopicOffsets(topic);
    const lag = Object.fromEntries(committed.map((c) => [c.partition, Number(ends.find((e) => e.partition === c.partition)!.high) - Number(c.offset)]));
    expect(lag).to.deep.equal({ 0: 6, 1: 0, 2: 10 });

    // A consumer of the group starts at the set offsets.
    const resumed = await Member.start(kafka, groupId, topic);
    members.push(resumed);
    await eventually(async () => resumed.received.length >= 16, 30_000, 'the resumed member to read the lag');
    await new Promise((r) => setTimeout(r, 300));
    expect(resumed.received.map((r) => `${r.partition}:${r.offset}`).sort()).to.deep.equal(
      [...Array.from({ length: 6 }, (_, i) => `0:${4 + i}`), ...Array.from({ length: 10 }, (_, i) => `2:${i}`)].sort(),
    );
    await members.splice(0)[0]!.stop();

    // resetOffsets stores the earliest marker (-2) as given; a consumer then reads from the start.
    await admin.resetOffsets({ groupId, topic, earliest: true });
    const reset = (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions.map((p) => p.offset);
    expect(reset).to.deep.equal(['-2', '-2', '-2']);
    const fromStart = await Member.start(kafka, groupId, topic);
    members.push(fromStart);
    await eventually(async () => fromStart.received.length >= 30, 30_000, 'a full re-read after resetOffsets');
    await members.splice(0)[0]!.stop();

    // Deleting: a group with members cannot be deleted; an empty one can, and its offsets go with it.
    const busy = await Member.start(kafka, groupId, topic);
    members.push(busy);
    await eventually(async () => (await describeGroup(admin, groupId, topic)).state === 'Stable', 30_000, 'stable');
    const notEmpty = await admin.deleteGroups([groupId]).then(() => 'deleted', (e: { groups?: Array<{ error?: { type?: string } }> }) => e.groups?.[0]?.error?.type ?? 'unknown');
    expect(notEmpty).to.equal('NON_EMPTY_GROUP');
    await members.splice(0)[0]!.stop();
    const deleted = await admin.deleteGroups([groupId]);
    expect(deleted).to.deep.equal([{ groupId, errorCode: 0 }]);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).to.not.include(groupId);
    expect((await admin.describeGroups([groupId])).groups[0]!.state).to.equal('Dead');
    const afterDelete = (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions.map((p) => p.offset);
    expect(afterDelete).to.deep.equal(['-1', '-1', '-1']);
  });

  for (const [name, createPartitioner] of [['kafkajs DefaultPartitioner (murmur2)', kafkajs.Partitioners.DefaultPartitioner], ['kafkats Md5Partitioner', Md5Partitioner]] as const) {
    it(`puts every record with one key in one partition with the ${name} and keeps order per key end to end`, async () => {
      const topic = `keyed-${name.startsWith('kafkajs') ? 'murmur2' : 'md5'}`;
      await createTopic(cluster(), topic, 6, 3);
      const keys = Array.from({ length: 12 }, (_, i) => `user-${i}`);
      // Members first (a stable group of two), so no rebalance moves a partition mid-read.
      for (let i = 0; i < 2; i++) members.push(await Member.start(kafka, `g-${topic}`, topic));
      await eventually(async () => {
        const v = await describeGroup(admin, `g-${topic}`, topic);
        return v.state === 'Stable' && v.members.length === 2 && members.every((m) => m.partitions(topic).length === 3);
      }, 30_000, 'a stable group of two');
      const producer = kafka.producer({ createPartitioner: createPartitioner as kafkajs.ICustomPartitioner });
      await producer.connect();
      try {
        for (let batch = 0; batch < 10; batch++) {
          await producer.send({ topic, acks: -1, messages: keys.map((key) => ({ key, value: `${key}:${batch}` })) });
        }
      } finally {
        await producer.disconnect();
      }
      await eventually(async () => members.reduce((n, m) => n + m.received.length, 0) >= 120, 30_000, 'all 120 keyed records');
      const all = members.flatMap((m) => m.received);
      expect(all).to.have.length(120);
      for (const key of keys) {
        const records = all.filter((r) => r.key === key);
        const partitions = new Set(records.map((r) => r.partition));
        expect(partitions.size, `${key} partitions`).to.equal(1);
        if (createPartitioner === Md5Partitioner) expect([...partitions][0]).to.equal(md5Partition(key, 6));
        // Received in the order sent (one member owns the partition; its records arrive in offset order).
        expect(records.map((r) => r.value), key).to.deep.equal(Array.from({ length: 10 }, (_, b) => `${key}:${b}`));
      }
      expect(new Set(all.map((r) => r.partition)).size, 'keys spread over several partitions').to.be.greaterThan(2);
    });
  }

  it('runs kcat -G balanced consumers: two members split the partitions, commits carry over to the next run', async () => {
    const topic = 'kcat-group';
    const groupId = 'g-kcat';
    await createTopic(cluster(), topic, 4, 3);
    await produceValues(kafka, topic, Array.from({ length: 200 }, (_, i) => ({ partition: i % 4, value: `m${i}` })));
    const bootstrap = cluster().bootstrapServers.join(',');
    const kcatMember = (): BackgroundProcess => startBackground('kcat', ['-b', bootstrap, '-u', '-G', groupId, '-f', '%p %o %s\\n', '-q', '-X', 'auto.offset.reset=earliest', '-X', 'session.timeout.ms=6000', '-X', 'heartbeat.interval.ms=300', '-X', 'auto.commit.interval.ms=200', topic]);
    const k1 = kcatMember();
    background.push(k1);
    await eventually(async () => (await describeGroup(admin, groupId, topic)).members.length === 1, 30_000, 'first kcat member');
    const k2 = kcatMember();
    background.push(k2);
    const view = await eventually(async () => {
      const v = await describeGroup(admin, groupId, topic);
      return v.state === 'Stable' && v.members.length === 2 && v.members.every((m) => m.partitions.length === 2) ? v : undefined;
    }, 30_000, 'two kcat members with two partitions each');
    expectOneOwnerPerPartition(view.members.map((m) => m.partitions), 4);
    expect((await admin.describeGroups([groupId])).groups[0]!.protocol).to.be.oneOf(['range', 'roundrobin']);
    const values = await eventually(async () => {
      const v = [...k1.lines(), ...k2.lines()].map((l) => l.split(' ')[2]!);
      return new Set(v).size >= 200 ? v : undefined;
    }, 30_000, 'kcat members to print all 200');
    expect(new Set(values).size).to.equal(200);
    // Both stop cleanly (SIGTERM: commit and leave the group).
    expect(await k1.stop('SIGTERM')).to.equal(0);
    expect(await k2.stop('SIGTERM')).to.equal(0);
    const committed = (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions.map((p) => p.offset);
    expect(committed).to.deep.equal(['50', '50', '50', '50']);
    // The next kcat run of the group reads only what was produced since.
    await produceValues(kafka, topic, Array.from({ length: 8 }, (_, i) => ({ partition: i % 4, value: `late${i}` })));
    const k3 = kcatMember();
    background.push(k3);
    await eventually(async () => k3.lines().length >= 8, 30_000, 'the late records');
    await new Promise((r) => setTimeout(r, 500));
    expect(k3.lines().map((l) => l.split(' ')[2]).sort()).to.deep.equal(Array.from({ length: 8 }, (_, i) => `late${i}`).sort());
  });

  it('runs confluent-kafka-python group members beside a kcat member (both librdkafka: shared range assignor); kafkajs shares a group only with a matching assignor name', async () => {
    const topic = 'mixed';
    const groupId = 'g-mixed';
    await createTopic(cluster(), topic, 4, 3);
    const bootstrap = cluster().bootstrapServers.join(',');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkats-py-group-'));
    const stopFile = path.join(dir, 'stop');
    const pyScript = `
import sys, os, json
from confluent_kafka import Consumer
b, group, topic, stop, strategy = sys.argv[1:6]
c = Consumer({'bootstrap.servers': b, 'group.id': group, 'auto.offset.reset': 'earliest', 'session.timeout.ms': 6000,
              'heartbeat.interval.ms': 300, 'partition.assignment.strategy': strategy})
def on_assign(consumer, parts):
    print(json.dumps({'assigned': sorted(p.partition for p in parts)}), flush=True)
c.subscribe([topic], on_assign=on_assign)
while not os.path.exists(stop):
    m = c.poll(0.2)
    if m is None or m.error(): continue
    print(json.dumps({'partition': m.partition(), 'value': m.value().decode()}), flush=True)
c.close()
`;
    const py = startBackground('/usr/bin/python3', ['-c', pyScript, bootstrap, groupId, topic, stopFile, 'range,roundrobin']);
    background.push(py);
    await eventually(async () => (await describeGroup(admin, groupId, topic)).members.length === 1, 30_000, 'the python member');
    const k = startBackground('kcat', ['-b', bootstrap, '-u', '-G', groupId, '-f', '%p %s\\n', '-q', '-X', 'auto.offset.reset=earliest', '-X', 'session.timeout.ms=6000', '-X', 'heartbeat.interval.ms=300', topic]);
    background.push(k);
    const view = await eventually(async () => {
      const v = await describeGroup(admin, groupId, topic);
      return v.state === 'Stable' && v.members.length === 2 && v.members.every((m) => m.partitions.length === 2) ? v : undefined;
    }, 30_000, 'python and kcat sharing the group');
    expectOneOwnerPerPartition(view.members.map((m) => m.partitions), 4);
    expect(view.members.map((m) => m.clientId).sort()).to.deep.equal(['rdkafka', 'rdkafka']);
    expect((await admin.describeGroups([groupId])).groups[0]!.protocol).to.equal('range');
    // Produced once both are members: each receives exactly the records of the partitions it owns.
    await produceValues(kafka, topic, Array.from({ length: 100 }, (_, i) => ({ partition: i % 4, value: `x${i}` })));
    const pyGot = (): Array<{ partition: number; value: string }> => py.lines().map((l) => JSON.parse(l) as { partition?: number; value?: string }).filter((e) => e.value !== undefined) as Array<{ partition: number; value: string }>;
    const kcatGot = (): Array<{ partition: number; value: string }> => k.lines().map((l) => ({ partition: Number(l.split(' ')[0]), value: l.split(' ')[1]! }));
    await eventually(async () => pyGot().length + kcatGot().length >= 100, 30_000, 'all 100 records between python and kcat');
    const pyParts = [...new Set(pyGot().map((e) => e.partition))].sort();
    const kcatParts = [...new Set(kcatGot().map((e) => e.partition))].sort();
    expect(pyParts).to.have.length(2);
    expect(kcatParts).to.have.length(2);
    expectOneOwnerPerPartition([pyParts, kcatParts], 4);
    expect([...pyGot(), ...kcatGot()].map((e) => e.value).sort()).to.deep.equal(Array.from({ length: 100 }, (_, i) => `x${i}`).sort());

    // kafkajs's default assignor is named "RoundRobinAssigner": no protocol in common with librdkafka.
    const kjs = kafka.consumer({ groupId, sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 300, retry: { retries: 0 } });
    await kjs.connect();
    const crashed = new Promise<string>((resolve) => kjs.on(kjs.events.CRASH, (e) => resolve((e.payload.error as { type?: string }).type ?? String(e.payload.error))));
    await kjs.subscribe({ topics: [topic] });
    await kjs.run({ eachMessage: async () => undefined });
    expect(await crashed).to.equal('INCONSISTENT_GROUP_PROTOCOL');
    await kjs.disconnect();
    // The python member closes (leaves the group) when asked to, and exits cleanly.
    fs.writeFileSync(stopFile, '');
    await eventually(async () => py.child.exitCode !== null, 15_000, 'python to close its consumer');
    expect(py.child.exitCode, py.stderr()).to.equal(0);
    expect(await k.stop('SIGTERM')).to.equal(0);

    // With its round-robin assignor registered under librdkafka's name, kafkajs shares a group with python.
    const rrGroup = 'g-mixed-rr';
    const roundrobin: kafkajs.PartitionAssigner = (cfg) => ({ ...PartitionAssigners.roundRobin(cfg), name: 'roundrobin' });
    const stop2 = path.join(dir, 'stop2');
    const py2 = startBackground('/usr/bin/python3', ['-c', pyScript, bootstrap, rrGroup, topic, stop2, 'roundrobin']);
    background.push(py2);
    await eventually(async () => (await describeGroup(admin, rrGroup, topic)).members.length === 1, 30_000, 'the python member of the roundrobin group');
    const kjsMember = await Member.start(kafka, rrGroup, topic, { partitionAssigners: [roundrobin] });
    members.push(kjsMember);
    const rrView = await eventually(async () => {
      const v = await describeGroup(admin, rrGroup, topic);
      return v.state === 'Stable' && v.members.length === 2 && v.members.every((m) => m.partitions.length === 2) && kjsMember.partitions(topic).length === 2 ? v : undefined;
    }, 30_000, 'kafkajs and python sharing a roundrobin group');
    expectOneOwnerPerPartition(rrView.members.map((m) => m.partitions), 4);
    expect((await admin.describeGroups([rrGroup])).groups[0]!.protocol).to.equal('roundrobin');
    await produceValues(kafka, topic, Array.from({ length: 100 }, (_, i) => ({ partition: i % 4, value: `y${i}` })));
    const py2Got = (): Array<{ partition: number; value: string }> => py2.lines().map((l) => JSON.parse(l) as { partition?: number; value?: string }).filter((e) => e.value?.startsWith('y')) as Array<{ partition: number; value: string }>;
    const kjsGot = (): Array<{ partition: number; value: string }> => kjsMember.received.filter((r) => r.value.startsWith('y'));
    await eventually(async () => py2Got().length + kjsGot().length >= 100, 30_000, 'all 100 new records between python and kafkajs');
    expect([...new Set(kjsGot().map((e) => e.partition))].sort()).to.deep.equal(kjsMember.partitions(topic));
    expect(new Set(py2Got().map((e) => e.partition)).size).to.equal(2);
    expect([...py2Got(), ...kjsGot()].map((e) => e.value).sort()).to.deep.equal(Array.from({ length: 100 }, (_, i) => `y${i}`).sort());
    fs.writeFileSync(stop2, '');
    await eventually(async () => py2.child.exitCode !== null, 15_000, 'python to close');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds the new coordinator when the coordinator broker is killed with -9 and continues from the committed offsets', async () => {
    const topic = 'failover';
    const groupId = 'g-failover';
    await createTopic(cluster(), topic, 3, 3);
    await produceValues(kafka, topic, Array.from({ length: 60 }, (_, i) => ({ partition: i % 3, value: `a${i}` })));
    const seen: string[] = [];
    const consumer = kafka.consumer({ groupId, sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 300, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        seen.push(message.value!.toString());
        await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
      },
    });
    try {
      await eventually(async () => seen.length >= 60, 30_000, 'the first 60');
      const coordinator = await coordinatorOf(cluster(), groupId);
      const before = (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions.map((p) => p.offset);
      expect(before).to.deep.equal(['20', '20', '20']);

      await cluster().broker(coordinator).kill9();
      const next = await eventually(async () => {
        const c = await coordinatorOf(cluster(), groupId);
        return c >= 0 && c !== coordinator ? c : undefined;
      }, 30_000, 'a new coordinator');
      expect(next).to.not.equal(coordinator);
      // The new coordinator loaded the group's offsets from its replica of __consumer_offsets.
      const survivorAdmin = kafkajsClient(cluster(), 'groups-spec-after').admin();
      await survivorAdmin.connect();
      try {
        // The first answer of the new coordinator already holds every acknowledged commit.
        const loaded = await eventually(async () => (await survivorAdmin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions, 30_000, 'offsets from the new coordinator');
        expect(loaded.sort((a, b) => a.partition - b.partition).map((p) => p.offset)).to.deep.equal(['20', '20', '20']);
        const after = kafkajsClient(cluster(), 'groups-spec-after');
        await produceValues(after, topic, Array.from({ length: 30 }, (_, i) => ({ partition: i % 3, value: `b${i}` })));
        // The running member keeps consuming (and committing) through the new coordinator.
        await eventually(async () => new Set(seen).size >= 90, 45_000, 'the 30 records produced after the kill');
        expect([...new Set(seen.filter((v) => v.startsWith('b')))].sort()).to.deep.equal(Array.from({ length: 30 }, (_, i) => `b${i}`).sort());
        await eventually(async () => {
          const o = (await survivorAdmin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions.map((p) => p.offset);
          return JSON.stringify(o) === JSON.stringify(['30', '30', '30']);
        }, 30_000, 'commits through the new coordinator');
        // Records committed before the kill are never delivered again (a record whose commit failed
        // during the failover may be, which is at-least-once as designed).
        expect(seen.filter((v) => v.startsWith('a')), 'records committed before the kill').to.have.length(60);
      } finally {
        await survivorAdmin.disconnect();
      }
    } finally {
      await consumer.disconnect();
    }
  });
});
