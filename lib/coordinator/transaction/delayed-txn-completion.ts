/**
 * A request that waits in the transaction coordinator's purgatory until the previous transaction of
 * its transactional id has completed — its commit or abort markers written and CompleteCommit /
 * CompleteAbort logged, no write in flight — or until its timeout (after Kafka's DelayedTxnMarker,
 * which waits for a transaction's markers the same way). Watched under the transactional id and
 * under its `__transaction_state` partition: the coordinator calls checkAndComplete after every
 * state write of the id and when it loads or unloads the partition. Timing out, as every
 * DelayedOperation does, completes it too; the waiter then answers from the state it finds
 * (CONCURRENT_TRANSACTIONS if the transaction is still completing).
 */
import { DelayedOperation, type DelayedOperationKey, topicPartitionOperationKey } from '../../common/delayed-operation.js';
import { TRANSACTION_STATE_TOPIC_NAME } from '../../common/topic.js';

/** The watch key of a `__transaction_state` partition (Kafka's TopicPartitionOperationKey). */
export function txnTopicPartitionKey(partition: number): DelayedOperationKey {
  return topicPartitionOperationKey(TRANSACTION_STATE_TOPIC_NAME, partition);
}

export class DelayedTxnCompletion extends DelayedOperation {
  constructor(
    delayMs: number,
    /** True once the transaction no longer needs waiting for (completed, or the id is no longer coordinated here). */
    private readonly isCompletedTxn: () => boolean,
    private readonly respond: () => void,
  ) {
    super(delayMs);
  }

  tryComplete(): boolean {
    return this.isCompletedTxn() ? this.forceComplete() : false;
  }

  onComplete(): void {
    this.respond();
  }

  onExpiration(): void {}
}
