/**
 * Kafka's CleanedTransactionMetadata: what the log cleaner knows of transactions while it walks the
 * batches of a cleaning round in offset order. Fed the aborted transactions of the round (from the
 * segments' .txnindex), it tells for each data batch whether it belongs to an aborted transaction
 * (then it is discarded), and for each transaction marker whether the marker itself may go:
 * an ABORT marker stays (with its .txnindex entry in the cleaned segment) while this round still
 * met batches of its transaction, so read_committed readers never see them; a COMMIT marker may go
 * once no batch of its transaction is left before it. Markers then also wait for delete.retention.ms.
 */
import type { AbortedTxn } from './transaction-index.js';
import { ControlRecordType, parseControlRecordType } from '../record/control-record.js';

interface OngoingAbortedTxn {
  txn: AbortedTxn;
  /** Set when the round met a data batch of this transaction. */
  sawBatch: boolean;
}

export interface BatchForTxnTracking {
  producerId: bigint;
  lastOffset: bigint;
  isTransactional: boolean;
}

export class CleanedTransactionMetadata {
  /** Aborted transactions not reached yet, by first offset. */
  private readonly pending: AbortedTxn[];
  private readonly ongoingAborted = new Map<bigint, OngoingAbortedTxn>();
  private readonly ongoingCommitted = new Set<bigint>();
  /** Index entries of the aborted transactions whose markers the cleaned segment keeps. */
  readonly retainedAborted: AbortedTxn[] = [];

  constructor(aborted: readonly AbortedTxn[]) {
    this.pending = [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  }

  private consumeAbortedUpTo(offset: bigint): void {
    while (this.pending.length > 0 && this.pending[0]!.firstOffset <= offset) {
      const txn = this.pending.shift()!;
      if (!this.ongoingAborted.has(txn.producerId)) this.ongoingAborted.set(txn.producerId, { txn, sawBatch: false });
    }
  }

  /** A data batch: true when it belongs to an aborted transaction (its records go). */
  onBatchRead(batch: BatchForTxnTracking): boolean {
    this.consumeAbortedUpTo(batch.lastOffset);
    if (!batch.isTransactional) return false;
    const aborted = this.ongoingAborted.get(batch.producerId);
    if (aborted) {
      aborted.sawBatch = true;
      return true;
    }
    this.ongoingCommitted.add(batch.producerId);
    return false;
  }

  /** A control batch (its first record's key): true when the marker may be discarded. */
  onControlBatchRead(batch: BatchForTxnTracking, firstRecordKey: Buffer | null | undefined): boolean {
    this.consumeAbortedUpTo(batch.lastOffset);
    if (firstRecordKey === undefined) return true; // emptied by an earlier round
    let type: number;
    try {
      type = parseControlRecordType(firstRecordKey);
    } catch {
      return false;
    }
    if (type === ControlRecordType.ABORT) {
      const aborted = this.ongoingAborted.get(batch.producerId);
      this.ongoingAborted.delete(batch.producerId);
      if (aborted?.sawBatch) {
        this.retainedAborted.push(aborted.txn);
        return false;
      }
      return true;
    }
    if (type === ControlRecordType.COMMIT) return !this.ongoingCommitted.delete(batch.producerId);
    return false;
  }
}
