/** Shared pieces of the group coordinator specs: an in-memory __consumer_offsets and a harness. */
import { recordsIn } from '../../../lib/record/record-batch.js';
import { encodeVersionPrefixed } from '../../../lib/protocol/frames.js';
import { MockTime } from '../../../lib/common/time.js';
import { GroupCoordinator, type JoinGroupParams } from '../../../lib/coordinator/group/group-coordinator.js';
import type { GroupMetadataStorage, StoredRecord } from '../../../lib/coordinator/group/group-metadata-manager.js';
import { partitionForGroup } from '../../../lib/coordinator/group/group-metadata-records.js';
import type { GroupConfig, OffsetConfig } from '../../../lib/config/group-coordinator-config.js';
import { setRootLogger } from '../../../lib/utils/logger.js';
import { pino } from 'pino';

setRootLogger(pino({ level: process.env.KAFKATS_LOG_LEVEL ?? 'silent' }));

/**
 * __consumer_offsets in memory: appended batches are kept per partition with offsets assigned;
 * `read` yields their records. `nextError` makes the next append fail with that code; `hold`
 * makes appends wait until `release()`; `blockReads` makes loading wait until `unblockReads()`.
 */
export class MemoryStorage implements GroupMetadataStorage {
  readonly batches = new Map<number, Buffer[]>();
  private readonly nextOffset = new Map<number, bigint>();
  nextError = 0;
  appendCount = 0;
  private held: Array<() => void> = [];
  hold = false;
  private readBlock: Promise<void> | null = null;
  private unblock: (() => void) | null = null;

  constructor(readonly partitionCount = 3) {}

  partitionFor(groupId: string): number {
    return partitionForGroup(groupId, this.partitionCount);
  }

  append(partition: number, records: Buffer): Promise<number> {
    this.appendCount++;
    const error = this.nextError;
    this.nextError = 0;
    if (error === 0) {
      const base = this.nextOffset.get(partition) ?? 0n;
      records.writeBigInt64BE(base, 0);
      const count = records.readInt32BE(57);
      this.nextOffset.set(partition, base + BigInt(count));
      const list = this.batches.get(partition) ?? [];
      list.push(records);
      this.batches.set(partition, list);
    }
    if (!this.hold) return Promise.resolve(error);
    return new Promise((resolve) => this.held.push(() => resolve(error)));
  }

  release(): void {
    const held = this.held;
    this.held = [];
    for (const r of held) r();
  }

  blockReads(): void {
    this.readBlock = new Promise((resolve) => { this.unblock = resolve; });
  }

  unblockReads(): void {
    this.unblock?.();
    this.readBlock = null;
  }

  async *read(partition: number): AsyncIterable<StoredRecord> {
    if (this.readBlock) await this.readBlock;
    for (const batch of this.batches.get(partition) ?? []) {
      for (const r of recordsIn(batch)) yield { key: r.key, value: r.value, offset: r.offset };
    }
  }

  /** Every record ever appended to a partition, decoded. */
  records(partition: number): StoredRecord[] {
    const out: StoredRecord[] = [];
    for (const batch of this.batches.get(partition) ?? []) for (const r of recordsIn(batch)) out.push({ key: r.key, value: r.value, offset: r.offset });
    return out;
  }
}

export const SESSION_TIMEOUT = 10_000;
export const REBALANCE_TIMEOUT = 30_000;
export const INITIAL_DELAY = 100;

export interface Harness {
  time: MockTime;
  storage: MemoryStorage;
  coordinator: GroupCoordinator;
}

/** A started coordinator that owns every __consumer_offsets partition (loaded from `storage`). */
export async function startCoordinator(options: { storage?: MemoryStorage; time?: MockTime; groupConfig?: Partial<GroupConfig>; offsetConfig?: Partial<OffsetConfig>; own?: number[]; expiration?: boolean } = {}): Promise<Harness> {
  const time = options.time ?? new MockTime();
  const storage = options.storage ?? new MemoryStorage();
  const coordinator = new GroupCoordinator({
    brokerId: 1, storage, time,
    groupConfig: { groupInitialRebalanceDelayMs: INITIAL_DELAY, groupMinSessionTimeoutMs: 6000, groupMaxSessionTimeoutMs: 300_000, ...options.groupConfig },
    offsetConfig: { offsetsRetentionCheckIntervalMs: 600_000, ...options.offsetConfig },
  });
  coordinator.startup(options.expiration ?? false);
  const own = options.own ?? [...Array(storage.partitionCount).keys()];
  await Promise.all(own.map((p) => coordinator.onElection(p, 1)));
  return { time, storage, coordinator };
}

export function subscription(topics: string[]): Buffer {
  return encodeVersionPrefixed('ConsumerProtocolSubscription', 1, { topics, userData: null, ownedPartitions: [] });
}

export function assignmentBytes(partitions: Array<[string, number[]]>): Buffer {
  return encodeVersionPrefixed('ConsumerProtocolAssignment', 1, { assignedPartitions: partitions.map(([topic, ps]) => ({ topic, partitions: ps })), userData: null });
}

export function joinParams(groupId: string, overrides: Partial<JoinGroupParams> = {}): JoinGroupParams {
  return {
    groupId, memberId: '', groupInstanceId: null, requireKnownMemberId: true, supportSkippingAssignment: false,
    clientId: 'client', clientHost: '/127.0.0.1', rebalanceTimeoutMs: REBALANCE_TIMEOUT, sessionTimeoutMs: SESSION_TIMEOUT,
    protocolType: 'consumer', protocols: [{ name: 'range', metadata: subscription(['t']) }],
    ...overrides,
  };
}

/** Lets promise callbacks (appends, loads) run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
}
