/**
 * Reading one partition without a consumer group — what Kafka's console consumer does with
 * `--partition` (KafkaConsumer.assign + seek). kafkajs always joins a group, so this speaks
 * ListOffsets and Fetch (v4, read_uncommitted) to the partition leader with kafkats' own codec and
 * decodes batches with lib/record: control batches are skipped, records before the asked offset
 * (a fetched batch starts at its base offset) are dropped. A leader change refreshes metadata;
 * OFFSET_OUT_OF_RANGE resets like auto.offset.reset (latest, or earliest with --from-beginning).
 */
import { ApiKeys, ZERO_UUID } from '../protocol/index.js';
import { readBatchHeader } from '../record/batch-header.js';
import { batchesIn, isControlBatch, iterateRecords, timestampTypeOf } from '../record/record-batch.js';
import { type AdminClient, errorText } from './admin-client.js';
import { CliError } from './cli-support.js';
import type { FormattedRecord } from './message-formatter.js';
import { Errors } from '../protocol/errors.js';

export const EARLIEST_TIMESTAMP = -2n;
export const LATEST_TIMESTAMP = -1n;

const RETRIABLE_LEADER_ERRORS = new Set<number>([
  Errors.UNKNOWN_TOPIC_OR_PARTITION.code, Errors.LEADER_NOT_AVAILABLE.code, Errors.NOT_LEADER_OR_FOLLOWER.code,
  Errors.FENCED_LEADER_EPOCH.code, Errors.UNKNOWN_LEADER_EPOCH.code, Errors.OFFSET_NOT_AVAILABLE.code,
]);

export class PartitionReader {
  private leaderAddress: string | null = null;
  private position = 0n;

  constructor(private readonly admin: AdminClient, readonly topic: string, readonly partition: number) {}

  private async leader(): Promise<string> {
    if (this.leaderAddress !== null) return this.leaderAddress;
    for (let attempt = 0; attempt < 50; attempt++) {
      const m = await this.admin.metadata([this.topic]);
      const t = m.topics[0];
      if (t && t.errorCode !== Errors.NONE.code && !RETRIABLE_LEADER_ERRORS.has(t.errorCode)) throw new CliError(`topic ${this.topic}: ${errorText(t.errorCode, null)}`);
      // A topic just created may take a moment to reach every broker's metadata; then it is unknown.
      if (t && t.errorCode === Errors.UNKNOWN_TOPIC_OR_PARTITION.code && attempt >= 10) throw new CliError(`Topic '${this.topic}' does not exist`);
      if (t && t.errorCode === Errors.NONE.code) {
        const p = t.partitions.find((x) => x.partitionIndex === this.partition);
        if (!p) throw new CliError(`partition ${this.partition} does not exist in topic ${this.topic} (it has ${t.partitions.length})`);
        const b = m.brokers.find((x) => x.nodeId === p.leaderId);
        if (b) {
          this.leaderAddress = `${b.host}:${b.port}`;
          return this.leaderAddress;
        }
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new CliError(`no leader for ${this.topic}-${this.partition}`);
  }

  /** ListOffsets for -2 (earliest), -1 (latest) or a timestamp. */
  async offsetFor(timestamp: bigint): Promise<bigint> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const r = await this.admin.send(await this.leader(), ApiKeys.LIST_OFFSETS, 1, {
        replicaId: -1,
        topics: [{ name: this.topic, partitions: [{ partitionIndex: this.partition, timestamp }] }],
      });
      const p = r.topics[0]?.partitions[0];
      if (!p) throw new CliError('the broker answered ListOffsets without the partition');
      if (p.errorCode === Errors.NONE.code) return p.offset;
      if (!RETRIABLE_LEADER_ERRORS.has(p.errorCode)) throw new CliError(`ListOffsets ${this.topic}-${this.partition}: ${errorText(p.errorCode, null)}`);
      this.leaderAddress = null;
      await new Promise((res) => setTimeout(res, 200));
    }
    throw new CliError(`ListOffsets ${this.topic}-${this.partition} kept failing`);
  }

  seek(offset: bigint): void {
    this.position = offset;
  }

  /** One Fetch (waits up to `maxWaitMs` for data); the records from the position on, advancing it. */
  async poll(maxWaitMs: number, resetTo: bigint): Promise<FormattedRecord[]> {
    const r = await this.admin.send(await this.leader(), ApiKeys.FETCH, 4, {
      replicaId: -1,
      maxWaitMs,
      minBytes: 1,
      maxBytes: 50 * 1024 * 1024,
      isolationLevel: 0,
      topics: [{ topic: this.topic, topicId: ZERO_UUID, partitions: [{ partition: this.partition, fetchOffset: this.position, partitionMaxBytes: 1024 * 1024 }] }],
    });
    const p = r.responses[0]?.partitions[0];
    if (!p) return [];
    if (p.errorCode === Errors.OFFSET_OUT_OF_RANGE.code) {
      this.position = await this.offsetFor(resetTo);
      return [];
    }
    if (RETRIABLE_LEADER_ERRORS.has(p.errorCode)) {
      this.leaderAddress = null;
      await new Promise((res) => setTimeout(res, 200));
      return [];
    }
    if (p.errorCode !== Errors.NONE.code) throw new CliError(`Fetch ${this.topic}-${this.partition}: ${errorText(p.errorCode, null)}`);
    const out: FormattedRecord[] = [];
    const records = p.records;
    if (!records || records.length === 0) return out;
    for (const { position, size, magic } of batchesIn(records)) {
      const entry = records.subarray(position, position + size);
      let timestampType = magic === 0 ? -1 : 0;
      if (magic === 2) {
        const header = readBatchHeader(entry, 0);
        const lastOffset = header.baseOffset + BigInt(header.lastOffsetDelta);
        if (isControlBatch(header.attributes)) {
          if (lastOffset >= this.position) this.position = lastOffset + 1n;
          continue;
        }
        timestampType = timestampTypeOf(header.attributes);
      } else if (magic === 1) {
        timestampType = (entry.readInt8(17) & 0x08) !== 0 ? 1 : 0;
      }
      for (const rec of iterateRecords(entry)) {
        if (rec.offset < this.position) continue;
        out.push({
          timestampType,
          timestamp: rec.timestamp,
          partition: this.partition,
          offset: rec.offset,
          key: rec.key,
          value: rec.value,
          headers: rec.headers.map((h) => [h.key, h.value]),
        });
        this.position = rec.offset + 1n;
      }
    }
    return out;
  }
}
