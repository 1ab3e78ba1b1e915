/**
 * Kafka's `TransactionIndex` (`<baseOffset>.txnindex`): the aborted transactions whose data lies
 * in a segment, for READ_COMMITTED fetches. Each 34-byte entry (Kafka's AbortedTxn) is
 * version int16 (0), producerId int64, firstOffset int64, lastOffset int64, lastStableOffset int64,
 * big-endian. Not preallocated; written by appending. Transaction logic lives elsewhere; this
 * class only stores and searches entries.
 */
import fs from 'node:fs';
import { CorruptIndexError, InvalidOffsetError } from './errors.js';

export const ABORTED_TXN_SIZE = 34;
export const ABORTED_TXN_VERSION = 0;

export interface AbortedTxn {
  producerId: bigint;
  firstOffset: bigint;
  lastOffset: bigint;
  lastStableOffset: bigint;
}

export interface TxnIndexSearchResult {
  abortedTransactions: AbortedTxn[];
  /** True when no later segment can hold more matches (Kafka's isComplete). */
  isComplete: boolean;
}

export function encodeAbortedTxn(txn: AbortedTxn): Buffer {
  const b = Buffer.alloc(ABORTED_TXN_SIZE);
  b.writeInt16BE(ABORTED_TXN_VERSION, 0);
  b.writeBigInt64BE(txn.producerId, 2);
  b.writeBigInt64BE(txn.firstOffset, 10);
  b.writeBigInt64BE(txn.lastOffset, 18);
  b.writeBigInt64BE(txn.lastStableOffset, 26);
  return b;
}

export class TransactionIndex {
  private entries: AbortedTxn[] = [];
  private lastOffset: bigint | undefined;
  private loadError: CorruptIndexError | undefined;

  constructor(
    readonly startOffset: number,
    public file: string,
  ) {
    if (fs.existsSync(file)) this.load();
  }

  private load(): void {
    const data = fs.readFileSync(this.file);
    if (data.length % ABORTED_TXN_SIZE !== 0) {
      this.loadError = new CorruptIndexError(`Transaction index ${this.file} size ${data.length} is not a multiple of ${ABORTED_TXN_SIZE}`);
    }
    for (let p = 0; p + ABORTED_TXN_SIZE <= data.length; p += ABORTED_TXN_SIZE) {
      const version = data.readInt16BE(p);
      if (version !== ABORTED_TXN_VERSION) {
        this.loadError = new CorruptIndexError(`Transaction index ${this.file} has entry version ${version}`);
        break;
      }
      const txn = {
        producerId: data.readBigInt64BE(p + 2),
        firstOffset: data.readBigInt64BE(p + 10),
        lastOffset: data.readBigInt64BE(p + 18),
        lastStableOffset: data.readBigInt64BE(p + 26),
      };
      this.entries.push(txn);
      this.lastOffset = txn.lastOffset;
    }
  }

  allAbortedTxns(): AbortedTxn[] {
    return [...this.entries];
  }

  /** Appends an aborted transaction; lastOffset must exceed the previous entry's. */
  append(txn: AbortedTxn): void {
    if (this.lastOffset !== undefined && this.lastOffset >= txn.lastOffset) {
      throw new InvalidOffsetError(`The last offset of appended transaction ${txn.lastOffset} must exceed ${this.lastOffset} in ${this.file}`);
    }
    fs.appendFileSync(this.file, encodeAbortedTxn(txn));
    this.entries.push({ ...txn });
    this.lastOffset = txn.lastOffset;
  }

  /** Aborted transactions overlapping [fetchOffset, upperBoundOffset). */
  collectAbortedTxns(fetchOffset: bigint, upperBoundOffset: bigint): TxnIndexSearchResult {
    const out: AbortedTxn[] = [];
    for (const t of this.entries) {
      if (t.lastOffset >= fetchOffset && t.firstOffset < upperBoundOffset) out.push({ ...t });
      if (t.lastStableOffset >= upperBoundOffset) return { abortedTransactions: out, isComplete: true };
    }
    return { abortedTransactions: out, isComplete: false };
  }

  /** Drops entries whose lastOffset >= offset. */
  truncateTo(offset: bigint): void {
    const keep = this.entries.filter((t) => t.lastOffset < offset);
    if (keep.length === this.entries.length) return;
    this.entries = keep;
    this.lastOffset = keep.length ? keep[keep.length - 1]!.lastOffset : undefined;
    this.rewrite();
  }

  reset(): void {
    this.entries = [];
    this.lastOffset = undefined;
    this.loadError = undefined;
    if (fs.existsSync(this.file)) fs.truncateSync(this.file, 0);
  }

  private rewrite(): void {
    fs.writeFileSync(this.file, Buffer.concat(this.entries.map(encodeAbortedTxn)));
  }

  sanityCheck(): void {
    if (this.loadError) throw this.loadError;
    for (const t of this.entries) {
      if (t.lastOffset < BigInt(this.startOffset)) {
        throw new CorruptIndexError(`Last offset of aborted transaction ${t.lastOffset} in ${this.file} is below the start offset ${this.startOffset}`);
      }
    }
  }

  renameTo(newFile: string): void {
    if (fs.existsSync(this.file)) fs.renameSync(this.file, newFile);
    this.file = newFile;
  }

  deleteIfExists(): boolean {
    try {
      fs.unlinkSync(this.file);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  flush(): void {
    if (!fs.existsSync(this.file)) return;
    const fd = fs.openSync(this.file, 'r+');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  close(): void {
    /* no open handle kept */
  }
}
