/**
 * Acknowledged writes survive leader crashes: a librdkafka producer (confluent-kafka-python,
 * acks=all, retries, delivery reports) writes numbered records to an RF=3,
 * min.insync.replicas=2 topic while the leader is killed with -9 and restarted several times;
 * afterwards every record with a successful delivery report is read back, in order per partition.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { createTopic, kcat, request, useCluster } from './support.js';

const PRODUCER = String.raw`
import json, sys, time
from confluent_kafka import Producer
bootstrap, topic, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
acked = []
failed = [0]
def on_delivery(err, msg):
    if err is None:
        acked.append([msg.partition(), msg.offset(), int(msg.value())])
    else:
        failed[0] += 1
p = Producer({'bootstrap.servers': bootstrap, 'acks': 'all', 'message.send.max.retries': 1000000,
              'retry.backoff.ms': 100, 'message.timeout.ms': 60000, 'max.in.flight.requests.per.connection': 1,
              'linger.ms': 5, 'topic.metadata.refresh.interval.ms': 1000})
seq = 0
end = time.time() + seconds
while time.time() < end:
    try:
        p.produce(topic, value=str(seq).encode(), partition=seq % 3, on_delivery=on_delivery)
        seq += 1
    except BufferError:
        p.poll(0.05)
    if seq % 200 == 0:
        p.poll(0)
        time.sleep(0.01)
p.flush(90)
print(json.dumps({'sent': seq, 'acked': acked, 'failed': failed[0]}))
`;

describe('durability of acknowledged writes under leader crashes', function () {
  this.timeout(300_000);
  const cluster = useCluster({ brokers: 3, overrides: { 'zookeeper.session.timeout.ms': 6000, 'replica.lag.time.max.ms': 5000 } });

  it('reads back every record librdkafka saw acknowledged (acks=all) while leaders were killed with -9', async () => {
    await createTopic(cluster(), 'durable', 3, 3, { 'min.insync.replicas': '2' });
    const bootstrap = cluster().bootstrapServers.join(',');
    const child = spawn('/usr/bin/python3', ['-c', PRODUCER, bootstrap, 'durable', '30'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const done = new Promise<number | null>((resolve) => child.on('close', resolve));

    for (let round = 0; round < 4; round++) {
      await new Promise((r) => setTimeout(r, 3000));
      const alive = cluster().brokers.find((b) => b.isRunning)!;
      const m = await request(alive.bootstrap, 3, 9, { topics: [{ name: 'durable' }], allowAutoTopicCreation: false });
      const leader = m.topics[0]!.partitions.find((p) => p.partitionIndex === round % 3)!.leaderId;
      if (leader < 0) continue;
      const victim = cluster().broker(leader);
      await victim.kill9();
      await new Promise((r) => setTimeout(r, 2000));
      await victim.start();
    }
    const code = await done;
    expect(code, err.slice(-2000)).to.equal(0);
    const result = JSON.parse(out) as { sent: number; acked: Array<[number, number, number]>; failed: number };
    expect(result.acked.length, 'acknowledged records').to.be.greaterThan(1000);

    await cluster().waitUntilReady(60_000, 3);
    const consumed = await kcat(['-b', bootstrap, '-C', '-t', 'durable', '-o', 'beginning', '-e', '-q', '-f', '%p %s\\n'], undefined, 120_000);
    const perPartition = new Map<number, number[]>();
    for (const line of consumed.stdout.toString().split('\n').filter(Boolean)) {
      const [p, v] = line.split(' ').map(Number);
      const list = perPartition.get(p!) ?? [];
      list.push(v!);
      perPartition.set(p!, list);
    }
    for (const p of [0, 1, 2]) {
      const seen = perPartition.get(p) ?? [];
      const firstIndex = new Map<number, number>();
      seen.forEach((v, i) => {
        if (!firstIndex.has(v)) firstIndex.set(v, i);
      });
      const acked = result.acked.filter(([part]) => part === p).map(([, , v]) => v);
      const missing = acked.filter((v) => !firstIndex.has(v));
      expect(missing, `acknowledged records missing from partition ${p}`).to.deep.equal([]);
      // In order per partition: acknowledged values appear in increasing order of first appearance.
      const positions = acked.map((v) => firstIndex.get(v)!);
      const sorted = [...acked].sort((a, b) => a - b);
      expect(acked.map((v) => v), `acknowledgement order of partition ${p}`).to.deep.equal(sorted);
      for (let i = 1; i < positions.length; i++) expect(positions[i]! > positions[i - 1]!, `order of ${acked[i]} in partition ${p}`).to.equal(true);
    }
  });
});
