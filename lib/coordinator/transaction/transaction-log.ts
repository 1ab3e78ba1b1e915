/**
 * Kafka's TransactionLog: the records of `__transaction_state`. Key = int16 version (0) +
 * TransactionLogKey; value = int16 version + TransactionLogValue (written as v0; v0–1 read), a
 * null value being a tombstone (the transactional id expired). Encoded by the schema codec from
 * Kafka's own message JSON.
 */
import { decodeMessage, encodeMessage } from '../../protocol/codec.js';
import type { TransactionLogValue } from '../../protocol/generated/types.js';
import { partitionForKey } from '../../utils/java-hash.js';
import { transactionStateFromId, TRANSACTION_STATE_IDS, type TransactionState } from './transaction-state.js';

const KEY_VERSION = 0;
const VALUE_VERSION = 0;

export interface TxnTransitMetadata {
  producerId: bigint;
  lastProducerId: bigint;
  producerEpoch: number;
  lastProducerEpoch: number;
  txnTimeoutMs: number;
  txnState: TransactionState;
  topicPartitions: Array<{ topic: string; partition: number }>;
  txnStartTimestamp: number;
  txnLastUpdateTimestamp: number;
}

function prefixed(version: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(2 + body.length);
  out.writeInt16BE(version, 0);
  body.copy(out, 2);
  return out;
}

export function keyToBytes(transactionalId: string): Buffer {
  return prefixed(KEY_VERSION, encodeMessage('TransactionLogKey', KEY_VERSION, { transactionalId }));
}

export function valueToBytes(t: TxnTransitMetadata): Buffer {
  const byTopic = new Map<string, number[]>();
  for (const tp of t.topicPartitions) {
    const l = byTopic.get(tp.topic) ?? [];
    l.push(tp.partition);
    byTopic.set(tp.topic, l);
  }
  const value: TransactionLogValue = {
    producerId: t.producerId,
    producerEpoch: t.producerEpoch,
    transactionTimeoutMs: t.txnTimeoutMs,
    transactionStatus: TRANSACTION_STATE_IDS[t.txnState],
    // Empty and Complete* states carry no partitions (Kafka writes them only while in flight).
    transactionPartitions: t.txnState === 'Empty' ? null : [...byTopic].map(([topic, partitionIds]) => ({ topic, partitionIds })),
    transactionLastUpdateTimestampMs: BigInt(t.txnLastUpdateTimestamp),
    transactionStartTimestampMs: BigInt(t.txnStartTimestamp),
  };
  return prefixed(VALUE_VERSION, encodeMessage('TransactionLogValue', VALUE_VERSION, value));
}

/** The transactional id of a key; undefined for an unknown key version. */
export function readTxnRecordKey(buf: Buffer): string | undefined {
  if (buf.length < 2) return undefined;
  const version = buf.readInt16BE(0);
  if (version !== KEY_VERSION) return undefined;
  return (decodeMessage('TransactionLogKey', version, buf.subarray(2)) as unknown as { transactionalId: string }).transactionalId;
}

/** The metadata a value holds, or null for a tombstone. */
export function readTxnRecordValue(buf: Buffer | null): TxnTransitMetadata | null {
  if (buf === null) return null;
  const version = buf.readInt16BE(0);
  if (version < 0 || version > 1) throw new RangeError(`Unknown TransactionLogValue version ${version}`);
  const v = decodeMessage('TransactionLogValue', version, buf.subarray(2)) as unknown as TransactionLogValue;
  return {
    producerId: v.producerId,
    lastProducerId: -1n,
    producerEpoch: v.producerEpoch,
    lastProducerEpoch: -1,
    txnTimeoutMs: v.transactionTimeoutMs,
    txnState: transactionStateFromId(v.transactionStatus),
    topicPartitions: (v.transactionPartitions ?? []).flatMap((p) => p.partitionIds.map((partition) => ({ topic: p.topic, partition }))),
    txnStartTimestamp: Number(v.transactionStartTimestampMs),
    txnLastUpdateTimestamp: Number(v.transactionLastUpdateTimestampMs),
  };
}

/** The __transaction_state partition of a transactional id: abs(id.hashCode) % partitionCount. */
export function partitionForTransactionalId(transactionalId: string, partitionCount: number): number {
  return partitionForKey(transactionalId, partitionCount);
}
