/**
 * The fault campaign's checker on hand-made histories: a clean history passes every check, and
 * each kind of violation (a lost acknowledged record, one moved to another offset, a duplicate,
 * records out of order, a read record that later vanished, an acknowledged record never read, a
 * replica that differs from the leader below the high watermark) is counted by its own check and
 * by no other. The replica reader decodes real segment bytes.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { check, violations, type CheckInput } from '../../../scripts/faults/checker.js';
import { readReplicaLog, type BatchSummary, type ReplicaLog } from '../../../scripts/faults/replica-logs.js';
import { buildRecordBatch } from '../../../lib/record/memory-records-builder.js';

const v = (key: number, seq: number): string => `p0-k${String(key).padStart(3, '0')}:${String(seq).padStart(9, '0')}`;

/** A replica of partition 0 holding `values` at offsets 0.., one batch per record, epoch 0. */
function replica(brokerId: number, values: string[], epoch = 0): ReplicaLog {
  const batches: BatchSummary[] = values.map((value, o) => ({
    baseOffset: o, lastOffset: o, partitionLeaderEpoch: epoch, producerId: '1', producerEpoch: 0, baseSequence: o, count: 1, size: 80, crc: 0, digest: `${epoch}:${value}`, segment: '00000000000000000000.log',
  }));
  return { brokerId, present: true, batches, records: values.map((value, offset) => ({ offset, value, leaderEpoch: epoch, producer: `1/0/${offset}` })), logEndOffset: values.length, problems: [] };
}

function history(log: string[], over: Partial<CheckInput> = {}): CheckInput {
  return {
    acked: log.map((value, offset) => ({ partition: 0, offset, value, at: 1000 + offset })),
    read: log.map((value, offset) => ({ partition: 0, offset, value, at: 2000 + offset, consumer: 0 })),
    failed: [],
    ends: new Map([[0, { leader: 0, highWatermark: log.length }]]),
    replicas: new Map([[0, [replica(0, log), replica(1, log), replica(2, log)]]]),
    unregistered: [],
    underReplicated: [],
    crashes: [],
    workloadDeaths: [],
    producerFatalErrors: [],
    ...over,
  };
}

function counts(input: CheckInput): Record<string, number> {
  return Object.fromEntries(violations(check(input)).map((c) => [c.name, c.count]));
}

describe('fault campaign checker', () => {
  const log = [v(0, 0), v(1, 0), v(0, 1), v(1, 1), v(0, 2)];

  it('passes a clean history', () => {
    expect(counts(history(log))).to.deep.equal({});
  });

  it('counts an acknowledged record missing from the leader\'s log as lost, with its range and what the offset holds now', () => {
    const now = [log[0]!, log[1]!, log[3]!, log[4]!];
    const input = history(log, {
      ends: new Map([[0, { leader: 0, highWatermark: 4 }]]),
      replicas: new Map([[0, [replica(0, now), replica(1, now), replica(2, now)]]]),
      read: now.map((value, offset) => ({ partition: 0, offset, value, at: 0, consumer: 0 })),
    });
    const result = check(input);
    const lost = result.find((c) => c.name === 'acked-lost')!;
    expect(lost.count).to.equal(1);
    expect(lost.examples[0]).to.include({ partition: 0, fromOffset: 2, toOffset: 2, firstValue: v(0, 1) });
    // The records behind it moved down one offset: each is also "at another offset".
    expect(counts(input)).to.deep.equal({ 'acked-lost': 1, 'acked-offset-changed': 2, 'never-read': 1 });
  });

  it('checks an acknowledgement without an offset for presence only', () => {
    const acked = history(log).acked.map((a, i) => (i === 2 ? { ...a, offset: -1 } : a));
    expect(counts(history(log, { acked }))).to.deep.equal({});
    const gone = [log[0]!, log[1]!, log[3]!, log[4]!];
    const lost = history(gone, { acked: [...history(gone).acked, { partition: 0, offset: -1, value: v(0, 1), at: 0 }] });
    expect(counts(lost)).to.deep.equal({ 'acked-lost': 1, 'never-read': 1 });
  });

  it('counts a record written twice as a duplicate', () => {
    const twice = [...log, v(1, 1)];
    const input = history(log, { ends: new Map([[0, { leader: 0, highWatermark: 6 }]]), replicas: new Map([[0, [replica(0, twice), replica(1, twice), replica(2, twice)]]]) });
    expect(counts(input)).to.deep.equal({ duplicates: 1 });
  });

  it('tells a copy the client re-sent under a new producer epoch (information) from a duplicate within one epoch', () => {
    const twice = [...log, v(1, 1)];
    const leader = replica(0, twice);
    leader.records[5] = { ...leader.records[5]!, producer: '1/1/0' };
    const input = history(log, { ends: new Map([[0, { leader: 0, highWatermark: 6 }]]), replicas: new Map([[0, [leader]]]) });
    expect(counts(input)).to.deep.equal({});
    const resent = check(input).find((c) => c.name === 'duplicates-resent')!;
    expect(resent).to.include({ count: 1, informational: true });
    expect((resent.examples[0] as { copies: Array<{ producer: string }> }).copies.map((c) => c.producer)).to.deep.equal(['1/0/3', '1/1/0']);
  });

  it('counts a key whose sequence goes backwards as out of order', () => {
    const swapped = [log[0]!, log[1]!, log[4]!, log[3]!, log[2]!];
    const input = history(swapped, {
      acked: [],
      read: [],
    });
    const result = check(input).find((c) => c.name === 'order')!;
    expect(result.count).to.equal(1);
    expect(result.examples[0]).to.include({ offset: 4, value: v(0, 1), previous: v(0, 2) });
  });

  it('counts a record a consumer read that the log no longer holds at that offset', () => {
    const input = history(log, { read: [...history(log).read, { partition: 0, offset: 5, value: 'p0-k009:000000000', at: 1, consumer: 1 }] });
    expect(counts(input)).to.deep.equal({ 'read-then-missing': 1 });
  });

  it('counts acknowledged records that no consumer read', () => {
    expect(counts(history(log, { read: history(log).read.slice(0, 3) }))).to.deep.equal({ 'never-read': 2 });
  });

  it('counts a replica whose batches differ from the leader\'s below the high watermark, and ignores the tail above it', () => {
    const other = [...log.slice(0, 4), 'p0-k000:000000099'];
    const differs = history(log, { replicas: new Map([[0, [replica(0, log), replica(1, log), replica(2, other)]]]) });
    const result = check(differs).find((c) => c.name === 'replicas-differ')!;
    expect(result.count).to.equal(1);
    expect(result.examples[0]).to.include({ partition: 0, broker: 2, leader: 0 });
    const belowHw = history(log.slice(0, 4), { replicas: new Map([[0, [replica(0, log), replica(1, log), replica(2, other)]]]) });
    expect(counts(belowHw)).to.deep.equal({});
    const epochs = history(log, { replicas: new Map([[0, [replica(0, log), replica(1, log, 1), replica(2, log)]]]) });
    expect(counts(epochs)).to.deep.equal({ 'replicas-differ': 1 });
  });

  it('reports what the campaign found while faults ran; a producer fatal error is shown but is no violation', () => {
    const finding = { fault: 3, nemesis: 'zookeeper-silent-restart', brokers: [1], at: 0, detail: 'not registered' };
    const died = { at: 0, process: 'producer', kind: 'exit', detail: '' };
    const input = history(log, { unregistered: [finding], crashes: [finding, finding], underReplicated: [finding], workloadDeaths: [died], producerFatalErrors: [died] });
    expect(counts(input)).to.deep.equal({ unregistered: 1, crashes: 2, 'under-replicated': 1, 'workload-died': 1 });
    expect(check(input).find((c) => c.name === 'producer-fatal')).to.include({ count: 1, informational: true });
  });
});

describe('fault campaign replica reader', () => {
  it('reads the batches and records of a partition directory from segment bytes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkats-replica-'));
    try {
      fs.mkdirSync(path.join(dir, 'faults-0'));
      const first = buildRecordBatch([{ value: Buffer.from('a') }, { value: Buffer.from('b') }], { baseOffset: 0n, partitionLeaderEpoch: 3, producerId: 9n, producerEpoch: 1, baseSequence: 5 });
      const second = buildRecordBatch([{ value: Buffer.from('c') }], { baseOffset: 2n, partitionLeaderEpoch: 4 });
      fs.writeFileSync(path.join(dir, 'faults-0', '00000000000000000000.log'), Buffer.concat([first, second, Buffer.from([0, 0, 0])]));
      const r = readReplicaLog(dir, 7, 'faults', 0);
      expect(r.batches.map((b) => [b.baseOffset, b.lastOffset, b.partitionLeaderEpoch])).to.deep.equal([[0, 1, 3], [2, 2, 4]]);
      expect(r.records.map((x) => [x.offset, x.value, x.producer])).to.deep.equal([[0, 'a', '9/1/5'], [1, 'b', '9/1/6'], [2, 'c', '-1/-1/-1']]);
      expect(r.logEndOffset).to.equal(3);
      expect(r.problems).to.deep.equal(['00000000000000000000.log: 3 bytes after the last whole batch']);
      expect(readReplicaLog(dir, 7, 'faults', 1).present).to.equal(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
