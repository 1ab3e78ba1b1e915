/**
 * Kafka's DelayedOperation (kafka.server.DelayedOperation): a request that cannot be answered yet
 * and waits, with a timeout, in a DelayedOperationPurgatory — DelayedProduce (acks=all until the
 * ISR has the data), DelayedFetch (until fetch.min.bytes are available or max wait passes),
 * DelayedJoin / DelayedHeartbeat (group rebalances and session timeouts), DelayedCreatePartitions.
 *
 * Contract, as in Kafka:
 * - `tryComplete()` checks whether the operation can finish now; if so it calls `forceComplete()`
 *   and returns that result. It is called when the operation is first offered to the purgatory and
 *   again each time `checkAndComplete(key)` runs for one of its watch keys.
 * - `forceComplete()` completes the operation exactly once (later calls return false): it stops the
 *   expiry timer, unlinks the operation from every watch list, then calls `onComplete()`.
 * - When the timeout passes first, the purgatory calls `forceComplete()` and, only if that call did
 *   the completion, `onExpiration()` (after `onComplete()`, like Kafka).
 *
 * Everything runs on the event loop, so Kafka's locks are not needed: `tryComplete`,
 * `onComplete` and `onExpiration` must be synchronous (they may start async work, e.g. sending
 * the response, but must not await it).
 */

/** Watch keys are strings (Kafka's DelayedOperationKey.keyLabel). */
export type DelayedOperationKey = string;

/** Kafka's TopicPartitionOperationKey: `topic-partition`. */
export function topicPartitionOperationKey(topic: string, partition: number): DelayedOperationKey {
  return `${topic}-${partition}`;
}

/** Kafka's MemberKey (heartbeats): `groupId-memberId`. */
export function memberKey(groupId: string, memberId: string): DelayedOperationKey {
  return `${groupId}-${memberId}`;
}

/** Kafka's GroupJoinKey: `join-groupId`. */
export function groupJoinKey(groupId: string): DelayedOperationKey {
  return `join-${groupId}`;
}

/** Kafka's GroupSyncKey: `sync-groupId`. */
export function groupSyncKey(groupId: string): DelayedOperationKey {
  return `sync-${groupId}`;
}

/** Kafka's TopicKey (DelayedCreatePartitions): the topic name. */
export function topicKey(topic: string): DelayedOperationKey {
  return topic;
}

/** The purgatory an operation is registered with; unlinks it on completion (internal). */
export interface DelayedOperationOwner {
  /** Removes the operation from the owner's expiry queue and from every watch list it is on. */
  unlink(op: DelayedOperation): void;
}

export abstract class DelayedOperation {
  /** How long the operation may wait before it expires. */
  readonly delayMs: number;
  private completed = false;
  /** @internal the purgatory holding this operation (an operation lives in at most one). */
  owner: DelayedOperationOwner | undefined;
  /** @internal the purgatory's expiry-queue entry. */
  timerEntry: unknown;
  /** @internal the purgatory's watch lists holding this operation. */
  watchLists: unknown[] | undefined;

  constructor(delayMs: number) {
    this.delayMs = Math.max(0, delayMs);
  }

  /**
   * Completes the operation if nobody has yet: stops its timer, unlinks it from its watch lists and
   * runs onComplete(). Returns true only for the call that did the completion.
   */
  forceComplete(): boolean {
    if (this.completed) return false;
    this.completed = true;
    const owner = this.owner;
    this.owner = undefined;
    owner?.unlink(this);
    this.onComplete();
    return true;
  }

  /** True once forceComplete() has run (by completion, expiry or from outside). */
  isCompleted(): boolean {
    return this.completed;
  }

  /** Called once, when the operation timed out (after onComplete()). */
  abstract onExpiration(): void;

  /** The completion logic (send the response); called exactly once. */
  abstract onComplete(): void;

  /** Checks whether the operation can complete now; if so calls forceComplete() and returns its result. */
  abstract tryComplete(): boolean;

  /**
   * Kafka's safeTryCompleteOrElse: tries to complete; if it cannot, runs `f` (which registers the
   * watches) and reports false. With no other threads nothing can change between the two steps.
   */
  safeTryCompleteOrElse(f: () => void): boolean {
    if (this.tryComplete()) return true;
    f();
    return false;
  }
}
