/**
 * Kafka's DelayedOperationPurgatory: holds DelayedOperations watched under keys until
 * `checkAndComplete(key)` completes them or their timeout expires them.
 *
 * Watch lists: a Map of key → Watchers (an insertion-ordered Set of operations). When an operation
 * completes — through checkAndComplete, expiry, or forceComplete() called from anywhere — it unlinks
 * itself from all its watch lists at once, and empty lists are dropped, so completed operations
 * never pile up. Kafka needs a periodic purge because its lists are concurrent queues shared by
 * request threads; on one event loop the eager unlink is cheaper and exact, so there is no
 * purge interval (Kafka's *.purgatory.purge.interval.requests keys are accepted and unused).
 * `purgeCompleted()` is kept as an explicit safety sweep and normally finds nothing.
 *
 * Expiry timer: a binary min-heap of deadlines (monotonic clock) with a single unref()ed timer armed
 * for the earliest one. Insert is O(log n); cancelling (the common case: most fetches and produces
 * complete before their timeout) is O(1) by marking the entry, and the heap is compacted when
 * cancelled entries dominate, so memory stays proportional to live operations. Kafka uses a
 * hierarchical timing wheel to avoid a global lock on a DelayQueue; with no threads, a heap gives the
 * same bounds without ticking, and wakes the process only when something is actually due.
 */
import { logger, type Logger } from '../utils/logger.js';
import { SYSTEM_TIME, type Time, type TimerHandle } from './time.js';
import type { DelayedOperation, DelayedOperationKey, DelayedOperationOwner } from './delayed-operation.js';

interface TimerEntry {
  readonly deadlineMs: number;
  readonly seq: number;
  op: DelayedOperation | undefined;
  cancelled: boolean;
}

/** Min-heap of expiry deadlines with one armed timer (see the file comment). */
class ExpiryTimer {
  private heap: TimerEntry[] = [];
  private cancelledCount = 0;
  private live = 0;
  private seq = 0;
  private armed: { handle: TimerHandle; deadlineMs: number } | undefined;
  private stopped = false;

  constructor(private readonly time: Time, private readonly expire: (op: DelayedOperation) => void) {}

  get size(): number {
    return this.live;
  }

  add(op: DelayedOperation): TimerEntry {
    const entry: TimerEntry = { deadlineMs: this.time.hiResClockMs() + op.delayMs, seq: this.seq++, op, cancelled: false };
    this.push(entry);
    this.live++;
    if (!this.armed || entry.deadlineMs < this.armed.deadlineMs) this.arm();
    return entry;
  }

  cancel(entry: TimerEntry): void {
    if (entry.cancelled) return;
    entry.cancelled = true;
    entry.op = undefined;
    this.live--;
    this.cancelledCount++;
    if (this.cancelledCount > 64 && this.cancelledCount > this.heap.length / 2) this.compact();
  }

  shutdown(): void {
    this.stopped = true;
    this.armed?.handle.cancel();
    this.armed = undefined;
    for (const e of this.heap) {
      e.cancelled = true;
      e.op = undefined;
    }
    this.heap = [];
    this.live = 0;
    this.cancelledCount = 0;
  }

  private arm(): void {
    this.armed?.handle.cancel();
    this.armed = undefined;
    if (this.stopped) return;
    this.dropCancelledTop();
    const top = this.heap[0];
    if (!top) return;
    const delay = Math.max(0, Math.ceil(top.deadlineMs - this.time.hiResClockMs()));
    this.armed = { handle: this.time.setTimer(() => this.onTimer(), delay), deadlineMs: top.deadlineMs };
  }

  private onTimer(): void {
    this.armed = undefined;
    const now = this.time.hiResClockMs();
    for (;;) {
      const top = this.heap[0];
      if (!top || top.deadlineMs > now || this.stopped) break;
      this.pop();
      if (top.cancelled) {
        this.cancelledCount--;
        continue;
      }
      const op = top.op as DelayedOperation;
      top.cancelled = true;
      top.op = undefined;
      this.live--;
      this.expire(op);
    }
    if (!this.armed) this.arm();
  }

  private dropCancelledTop(): void {
    while (this.heap[0]?.cancelled) {
      this.pop();
      this.cancelledCount--;
    }
  }

  private compact(): void {
    this.heap = this.heap.filter((e) => !e.cancelled);
    this.cancelledCount = 0;
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private less(a: TimerEntry, b: TimerEntry): boolean {
    return a.deadlineMs < b.deadlineMs || (a.deadlineMs === b.deadlineMs && a.seq < b.seq);
  }

  private push(e: TimerEntry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i] as TimerEntry, h[parent] as TimerEntry)) break;
      [h[i], h[parent]] = [h[parent] as TimerEntry, h[i] as TimerEntry];
      i = parent;
    }
  }

  private pop(): TimerEntry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private siftDown(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l] as TimerEntry, h[m] as TimerEntry)) m = l;
      if (r < h.length && this.less(h[r] as TimerEntry, h[m] as TimerEntry)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m] as TimerEntry, h[i] as TimerEntry];
      i = m;
    }
  }
}

/** The operations watched under one key (Kafka's Watchers). */
class Watchers<T extends DelayedOperation> {
  readonly ops = new Set<T>();
  constructor(readonly key: DelayedOperationKey) {}
}

export interface DelayedOperationPurgatoryOptions {
  time?: Time;
  brokerId?: number;
  /** Kafka's timerEnabled: false means operations never expire (they wait for completion only). */
  timerEnabled?: boolean;
}

export class DelayedOperationPurgatory<T extends DelayedOperation> implements DelayedOperationOwner {
  readonly purgatoryName: string;
  private readonly watchersByKey = new Map<DelayedOperationKey, Watchers<T>>();
  private readonly timer: ExpiryTimer;
  private readonly timerEnabled: boolean;
  private readonly log: Logger;
  private watchedCount = 0;
  private isShutdown = false;

  constructor(purgatoryName: string, options: DelayedOperationPurgatoryOptions = {}) {
    this.purgatoryName = purgatoryName;
    this.timerEnabled = options.timerEnabled ?? true;
    this.log = logger('kafka.server.DelayedOperationPurgatory', { purgatory: purgatoryName, broker: options.brokerId });
    this.timer = new ExpiryTimer(options.time ?? SYSTEM_TIME, (op) => this.expire(op));
  }

  /**
   * Kafka's tryCompleteElseWatch: completes `operation` now if it can; otherwise watches it under
   * every key in `watchKeys` and starts its timeout. Returns true if it completed right away.
   * An empty key list with an incomplete operation only starts the timeout.
   */
  tryCompleteElseWatch(operation: T, watchKeys: readonly DelayedOperationKey[]): boolean {
    if (this.isShutdown) throw new Error(`Purgatory ${this.purgatoryName} is shut down`);
    if (operation.isCompleted()) return false;
    if (operation.owner !== undefined && operation.owner !== this) {
      throw new Error(`Operation is already held by another purgatory than ${this.purgatoryName}`);
    }
    if (operation.safeTryCompleteOrElse(() => this.watch(operation, watchKeys))) return true;
    if (!operation.isCompleted() && this.timerEnabled && operation.timerEntry === undefined) {
      operation.owner = this;
      operation.timerEntry = this.timer.add(operation);
    }
    return false;
  }

  /**
   * Kafka's checkAndComplete: calls tryComplete() on each operation watched under `key`; returns
   * how many completed. An error thrown by one operation is logged and does not stop the others.
   */
  checkAndComplete(key: DelayedOperationKey): number {
    const watchers = this.watchersByKey.get(key);
    if (!watchers) return 0;
    let completed = 0;
    for (const op of watchers.ops) {
      if (op.isCompleted()) {
        this.removeFrom(watchers, op);
        continue;
      }
      try {
        if (op.tryComplete()) completed++;
      } catch (err) {
        this.log.error({ err, key }, 'Error while trying to complete a delayed operation');
      }
    }
    this.removeKeyIfEmpty(watchers);
    return completed;
  }

  /** Watch-list entries across all keys (an operation watched under 3 keys counts 3; Kafka's `watched`). */
  watched(): number {
    return this.watchedCount;
  }

  /** Operations waiting for their timeout (Kafka's numDelayed / `delayed`). */
  numDelayed(): number {
    return this.timer.size;
  }

  /** Keys that currently have watchers. */
  watchKeyCount(): number {
    return this.watchersByKey.size;
  }

  /**
   * Kafka's cancelForKey: stops watching and timing every operation under `key` without completing
   * them, and returns them (the group coordinator uses this when a group is unloaded).
   */
  cancelForKey(key: DelayedOperationKey): T[] {
    const watchers = this.watchersByKey.get(key);
    if (!watchers) return [];
    const ops = [...watchers.ops];
    for (const op of ops) {
      this.unlink(op);
      op.owner = undefined;
    }
    return ops;
  }

  /** Removes completed operations from every watch list and drops empty keys; returns how many were removed. */
  purgeCompleted(): number {
    let purged = 0;
    for (const watchers of [...this.watchersByKey.values()]) {
      for (const op of watchers.ops) {
        if (op.isCompleted()) {
          this.removeFrom(watchers, op);
          purged++;
        }
      }
      this.removeKeyIfEmpty(watchers);
    }
    return purged;
  }

  /** Stops the expiry timer and forgets every operation without completing it (Kafka's shutdown). */
  shutdown(): void {
    this.isShutdown = true;
    this.timer.shutdown();
    for (const watchers of this.watchersByKey.values()) {
      for (const op of watchers.ops) {
        op.owner = undefined;
        op.timerEntry = undefined;
        op.watchLists = undefined;
      }
    }
    this.watchersByKey.clear();
    this.watchedCount = 0;
  }

  private watch(op: T, keys: readonly DelayedOperationKey[]): void {
    if (keys.length === 0) return;
    op.owner = this;
    const lists = (op.watchLists ??= []) as Watchers<T>[];
    for (const key of keys) {
      let w = this.watchersByKey.get(key);
      if (!w) {
        w = new Watchers<T>(key);
        this.watchersByKey.set(key, w);
      }
      if (!w.ops.has(op)) {
        w.ops.add(op);
        this.watchedCount++;
        lists.push(w);
      }
    }
  }

  /** @internal called by DelayedOperation.forceComplete (and cancelForKey): leave the timer and all watch lists. */
  unlink(op: DelayedOperation): void {
    const entry = op.timerEntry as TimerEntry | undefined;
    op.timerEntry = undefined;
    if (entry) this.timer.cancel(entry);
    const lists = op.watchLists as Watchers<T>[] | undefined;
    op.watchLists = undefined;
    if (lists) {
      for (const w of lists) {
        this.removeFrom(w, op as T);
        this.removeKeyIfEmpty(w);
      }
    }
  }

  private removeFrom(w: Watchers<T>, op: T): void {
    if (w.ops.delete(op)) this.watchedCount--;
  }

  private removeKeyIfEmpty(w: Watchers<T>): void {
    if (w.ops.size === 0 && this.watchersByKey.get(w.key) === w) this.watchersByKey.delete(w.key);
  }

  private expire(op: DelayedOperation): void {
    try {
      if (op.forceComplete()) op.onExpiration();
    } catch (err) {
      this.log.error({ err }, 'Error while expiring a delayed operation');
    }
  }
}
