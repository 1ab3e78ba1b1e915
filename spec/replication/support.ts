/**
 * In-process parts for unit specs of the replication core: partitions on real logs in a temp dir,
 * an AlterPartition manager the spec answers by hand, and a leader end point that serves a
 * follower's fetches from a real leader Partition (Kafka's LocalLeaderEndPoint idea), so leader and
 * follower run the production code paths with MockTime and no network.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { Partition, type AlterPartitionItem, type AlterPartitionManager, type AlterPartitionResult, type PartitionState } from '../../lib/cluster/partition.js';
import { FetchIsolation, Log } from '../../lib/log/log.js';
import type { LeaderEndPoint, LeaderFetchResult } from '../../lib/replication/leader-end-point.js';
import type { FetchRequest, FetchResponse } from '../../lib/protocol/generated/types.js';
import type { Input } from '../../lib/protocol/frames.js';
import { ApiError, Errors, errorCodeOf } from '../../lib/protocol/errors.js';
import type { MockTime } from '../../lib/common/time.js';
import { type TopicPartition, tpKey } from '../../lib/common/topic-partition.js';
import { buildRecordBatch } from '../../lib/record/memory-records-builder.js';
import { setRootLogger } from '../../lib/utils/logger.js';

setRootLogger(pino({ level: process.env.KAFKATS_LOG_LEVEL ?? 'silent' }));

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kafkats-repl-'));
}

/** `n` records of `valueSize` bytes in one batch, as a producer sends them (base offset 0). */
export function records(n: number, valueSize = 10): Buffer {
  return buildRecordBatch(Array.from({ length: n }, () => ({ key: null, value: Buffer.alloc(valueSize, 0x61), timestamp: 1_700_000_000_000n })));
}

/** An AlterPartition manager whose requests wait until the spec answers them. */
export class ManualAlterPartitionManager implements AlterPartitionManager {
  readonly submitted: Array<{ item: AlterPartitionItem; answer: (r: AlterPartitionResult) => void }> = [];

  submit(item: AlterPartitionItem): Promise<AlterPartitionResult> {
    return new Promise((resolve) => this.submitted.push({ item, answer: resolve }));
  }

  /** Answers the oldest pending request as the controller would when it accepts it. */
  acceptNext(): AlterPartitionItem {
    const next = this.submitted.shift();
    if (!next) throw new Error('no AlterPartition request pending');
    next.answer({ errorCode: Errors.NONE.code, leader: -1, leaderEpoch: next.item.leaderEpoch, isr: next.item.newIsr, partitionEpoch: next.item.partitionEpoch + 1 });
    return next.item;
  }
}

/** A partition of broker `brokerId` whose log lives under `dir`. */
export function newPartition(tp: TopicPartition, brokerId: number, dir: string, time: MockTime, alter: AlterPartitionManager = new ManualAlterPartitionManager(), opts: { minIsr?: number; lagMs?: number; alive?: (id: number) => boolean } = {}): Partition {
  return new Partition(tp, {
    localBrokerId: brokerId,
    time,
    getOrCreateLog: (t) => Log.load({ dir: path.join(dir, tpKey(t)), topicPartition: t, clock: time }),
    alterPartitionManager: alter,
    replicaLagTimeMaxMs: opts.lagMs ?? 30_000,
    minInSyncReplicas: () => opts.minIsr ?? 1,
    isBrokerAlive: opts.alive ?? (() => true),
  });
}

export function state(leader: number, leaderEpoch: number, isr: number[], replicas: number[], partitionEpoch = 0): PartitionState {
  return { controllerEpoch: 1, leader, leaderEpoch, isr, partitionEpoch, replicas, isNew: false };
}

/**
 * Serves Fetch for the partitions of one leader broker by calling their Partition.fetchRecords, as
 * the leader's ReplicaManager does, and builds the response a real leader would send. Every answer
 * waits one turn of the event loop (never a timer), so a fetcher that loops can be observed.
 * `cut` may shorten a partition's records (a size-capped response ending inside a batch).
 */
export class InProcessLeader implements LeaderEndPoint {
  readonly partitions = new Map<string, Partition>();
  fetches = 0;
  cut?: (tp: TopicPartition, records: Buffer) => Buffer;

  constructor(readonly brokerId: number) {}

  add(p: Partition): void {
    this.partitions.set(tpKey(p.topicPartition), p);
  }

  async fetch(input: Input<FetchRequest>): Promise<LeaderFetchResult> {
    const request = input as FetchRequest; // the fetcher fills every field of v12
    await new Promise((resolve) => setImmediate(resolve));
    this.fetches++;
    let first = true;
    const response: FetchResponse = {
      throttleTimeMs: 0, errorCode: Errors.NONE.code, sessionId: 0, nodeEndpoints: [],
      responses: request.topics.map((t) => ({
        topic: t.topic,
        topicId: '',
        partitions: t.partitions.map((p) => {
          const tp = { topic: t.topic, partition: p.partition };
          const base = {
            partitionIndex: p.partition, errorCode: Errors.NONE.code, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n,
            divergingEpoch: { epoch: -1, endOffset: -1n }, currentLeader: { leaderId: -1, leaderEpoch: -1 }, snapshotId: { endOffset: -1n, epoch: -1 },
            abortedTransactions: null, preferredReadReplica: -1, records: null as Buffer | null,
          };
          const partition = this.partitions.get(tpKey(tp));
          if (!partition) return { ...base, errorCode: Errors.NOT_LEADER_OR_FOLLOWER.code };
          try {
            const info = partition.fetchRecords({
              replicaId: request.replicaId, fetchOffset: p.fetchOffset, followerLogStartOffset: p.logStartOffset,
              lastFetchedEpoch: p.lastFetchedEpoch, maxBytes: p.partitionMaxBytes, isolation: FetchIsolation.LOG_END,
              minOneMessage: first, currentLeaderEpoch: p.currentLeaderEpoch,
            });
            let recs = info.fetchedData.records;
            if (recs.length > 0) first = false;
            if (this.cut && recs.length > 0) recs = this.cut(tp, recs);
            return {
              ...base, highWatermark: info.highWatermark, lastStableOffset: info.lastStableOffset, logStartOffset: info.logStartOffset,
              divergingEpoch: info.divergingEpoch ?? base.divergingEpoch, records: info.divergingEpoch ? null : recs,
            };
          } catch (err) {
            if (!(err instanceof ApiError)) throw err;
            return { ...base, errorCode: errorCodeOf(err) };
          }
        }),
      })),
    };
    return { response, release: () => {} };
  }

  fetchEarliestOffset(tp: TopicPartition): Promise<bigint> {
    return Promise.resolve(this.partitions.get(tpKey(tp))!.localLogOrException().logStartOffset);
  }

  fetchLatestOffset(tp: TopicPartition): Promise<bigint> {
    return Promise.resolve(this.partitions.get(tpKey(tp))!.localLogOrException().logEndOffset);
  }

  close(): void {}
}

/** Turns the event loop until `done()` holds; fails after `maxTurns` (no clock involved). */
export async function turnUntil(done: () => boolean, maxTurns = 2000): Promise<number> {
  for (let i = 0; i < maxTurns; i++) {
    if (done()) return i;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`condition not reached within ${maxTurns} event-loop turns`);
}
