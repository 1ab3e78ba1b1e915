/**
 * The fixed 61-byte header of a magic-2 record batch (Kafka's `DefaultRecordBatch`), read with
 * binary-parser, plus in-place patches of the fields that lie outside the CRC (baseOffset,
 * partitionLeaderEpoch). The rest of `lib/record/` builds on these offsets; `lib/log/` and the
 * produce/fetch paths use them to move batches as opaque bytes.
 */
import { Parser } from 'binary-parser';

export const BASE_OFFSET_OFFSET = 0;
export const LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORDS_COUNT_OFFSET = 57;
/** Bytes before the records: Kafka's RECORD_BATCH_OVERHEAD. */
export const RECORD_BATCH_OVERHEAD = 61;
/** baseOffset + batchLength: Kafka's LOG_OVERHEAD (the 12 bytes every batch/message entry starts with). */
export const LOG_OVERHEAD = 12;
/** Bytes from the start of a batch to its magic byte, inclusive: enough to tell v0/v1/v2 apart. */
export const HEADER_SIZE_UP_TO_MAGIC = MAGIC_OFFSET + 1;

export const COMPRESSION_CODEC_MASK = 0x07;
export const TIMESTAMP_TYPE_MASK = 0x08;
export const TRANSACTIONAL_FLAG_MASK = 0x10;
export const CONTROL_FLAG_MASK = 0x20;
export const DELETE_HORIZON_FLAG_MASK = 0x40;

export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;
export const NO_TIMESTAMP = -1n;

export interface BatchHeader {
  baseOffset: bigint;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

const headerParser = new Parser()
  .endianness('big')
  .int64('baseOffset')
  .int32('batchLength')
  .int32('partitionLeaderEpoch')
  .int8('magic')
  .uint32('crc')
  .int16('attributes')
  .int32('lastOffsetDelta')
  .int64('baseTimestamp')
  .int64('maxTimestamp')
  .int64('producerId')
  .int16('producerEpoch')
  .int32('baseSequence')
  .int32('recordsCount');

/** Parses the 61-byte header at `position`. The caller checks that enough bytes remain. */
export function readBatchHeader(buf: Buffer, position = 0): BatchHeader {
  return headerParser.parse(buf.subarray(position, position + RECORD_BATCH_OVERHEAD)) as BatchHeader;
}

/** Overwrites baseOffset in place; the CRC does not cover it. */
export function setBaseOffset(buf: Buffer, position: number, baseOffset: bigint): void {
  buf.writeBigInt64BE(baseOffset, position + BASE_OFFSET_OFFSET);
}

/** Overwrites partitionLeaderEpoch in place; the CRC does not cover it. */
export function setPartitionLeaderEpoch(buf: Buffer, position: number, epoch: number): void {
  buf.writeInt32BE(epoch, position + PARTITION_LEADER_EPOCH_OFFSET);
}
