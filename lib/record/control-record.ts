/**
 * Control records (Kafka's `ControlRecordType` and `EndTransactionMarker`): the transaction
 * markers a coordinator writes through WriteTxnMarkers. A control batch has the control and
 * transactional attribute bits set and holds one record whose
 *
 *   key   = int16 version (0) | int16 type (ABORT = 0, COMMIT = 1)
 *   value = int16 version (0) | int32 coordinatorEpoch
 */
import { InvalidRecordError } from '../protocol/errors.js';
import { CompressionType } from './compression.js';
import { buildRecordBatch } from './memory-records-builder.js';

export const ControlRecordType = { ABORT: 0, COMMIT: 1, LEADER_CHANGE: 2 } as const;
export type ControlRecordType = (typeof ControlRecordType)[keyof typeof ControlRecordType];

export const CONTROL_RECORD_KEY_VERSION = 0;
export const END_TXN_MARKER_VERSION = 0;
const CONTROL_KEY_SIZE = 4;
const END_TXN_MARKER_VALUE_SIZE = 6;

export interface EndTransactionMarker {
  type: typeof ControlRecordType.ABORT | typeof ControlRecordType.COMMIT;
  coordinatorEpoch: number;
}

export function encodeControlRecordKey(type: number): Buffer {
  const key = Buffer.allocUnsafe(CONTROL_KEY_SIZE);
  key.writeInt16BE(CONTROL_RECORD_KEY_VERSION, 0);
  key.writeInt16BE(type, 2);
  return key;
}

/** The type in a control record key; InvalidRecordError when the key is too short. */
export function parseControlRecordType(key: Buffer | null): number {
  if (key === null || key.length < CONTROL_KEY_SIZE) {
    throw new InvalidRecordError(`Invalid control record key of ${key?.length ?? -1} bytes`);
  }
  const version = key.readInt16BE(0);
  if (version < 0) throw new InvalidRecordError(`Invalid version ${version} in control record key`);
  return key.readInt16BE(2);
}

export function encodeEndTransactionMarkerValue(coordinatorEpoch: number): Buffer {
  const value = Buffer.allocUnsafe(END_TXN_MARKER_VALUE_SIZE);
  value.writeInt16BE(END_TXN_MARKER_VERSION, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return value;
}

/** Reads an ABORT/COMMIT control record. */
export function deserializeEndTransactionMarker(key: Buffer | null, value: Buffer | null): EndTransactionMarker {
  const type = parseControlRecordType(key);
  if (type !== ControlRecordType.ABORT && type !== ControlRecordType.COMMIT) {
    throw new InvalidRecordError(`Invalid record type ${type} for an end transaction marker`);
  }
  if (value === null || value.length < END_TXN_MARKER_VALUE_SIZE) {
    throw new InvalidRecordError('Invalid end transaction marker value');
  }
  const version = value.readInt16BE(0);
  if (version < 0) throw new InvalidRecordError(`Invalid version ${version} in end transaction marker`);
  return { type, coordinatorEpoch: value.readInt32BE(2) };
}

export interface EndTxnMarkerBatchOptions {
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
  producerId: bigint;
  producerEpoch: number;
  /** Marker timestamp (ms); defaults to now. */
  timestamp?: bigint;
}

/** Kafka's `MemoryRecords.withEndTransactionMarker`: one control batch with one marker record. */
export function buildEndTransactionMarkerBatch(marker: EndTransactionMarker, options: EndTxnMarkerBatchOptions): Buffer {
  return buildRecordBatch(
    [{
      key: encodeControlRecordKey(marker.type),
      value: encodeEndTransactionMarkerValue(marker.coordinatorEpoch),
      timestamp: options.timestamp ?? BigInt(Date.now()),
    }],
    {
      baseOffset: options.baseOffset ?? 0n,
      partitionLeaderEpoch: options.partitionLeaderEpoch ?? -1,
      compression: CompressionType.NONE,
      producerId: options.producerId,
      producerEpoch: options.producerEpoch,
      baseSequence: -1,
      isTransactional: true,
      isControl: true,
    },
  );
}
