/**
 * Kafka's DelayedCreatePartitions and DelayedDeleteTopics (kafka/server/DelayedCreatePartitions.scala,
 * DelayedDeleteTopics.scala): CreateTopics / CreatePartitions answer once this broker's metadata
 * cache shows a leader for every new partition, DeleteTopics once the topics left the cache; topics
 * still waiting at the timeout get REQUEST_TIMED_OUT. Watched under the topic name (TopicKey) and
 * re-checked after every UpdateMetadata.
 */
import { DelayedOperation } from '../../common/delayed-operation.js';
import { Errors } from '../../protocol/errors.js';
import type { MetadataCache } from '../metadata-cache.js';

/** A topic's outcome so far: the partitions to wait for, or the error it already failed with. */
export interface TopicOperationMetadata {
  topic: string;
  partitions: readonly number[];
  errorCode: number;
  errorMessage: string | null;
}

export interface TopicOperationError {
  errorCode: number;
  errorMessage: string | null;
}

const TIMED_OUT: TopicOperationError = { errorCode: Errors.REQUEST_TIMED_OUT.code, errorMessage: null };

/** Kafka's DelayedCreatePartitions (also used for CreateTopics). */
export class DelayedCreatePartitions extends DelayedOperation {
  constructor(delayMs: number, private readonly createMetadata: readonly TopicOperationMetadata[],
    private readonly metadataCache: MetadataCache,
    private readonly responseCallback: (results: Map<string, TopicOperationError>) => void) {
    super(delayMs);
  }

  tryComplete(): boolean {
    const leaderless = this.createMetadata.reduce((n, m) => n + (m.errorCode === Errors.NONE.code ? this.missingLeaderCount(m) : 0), 0);
    return leaderless === 0 ? this.forceComplete() : false;
  }

  onComplete(): void {
    const results = new Map<string, TopicOperationError>();
    for (const m of this.createMetadata) {
      results.set(m.topic, m.errorCode === Errors.NONE.code && this.missingLeaderCount(m) > 0 ? TIMED_OUT : { errorCode: m.errorCode, errorMessage: m.errorMessage });
    }
    this.responseCallback(results);
  }

  onExpiration(): void {}

  private missingLeaderCount(m: TopicOperationMetadata): number {
    let n = 0;
    for (const p of m.partitions) {
      const info = this.metadataCache.getPartitionInfo(m.topic, p);
      if (info === undefined || info.leader === -1) n++;
    }
    return n;
  }
}

/** Kafka's DelayedDeleteTopics. */
export class DelayedDeleteTopics extends DelayedOperation {
  constructor(delayMs: number, private readonly deleteMetadata: readonly TopicOperationMetadata[],
    private readonly metadataCache: MetadataCache,
    private readonly responseCallback: (results: Map<string, TopicOperationError>) => void) {
    super(delayMs);
  }

  tryComplete(): boolean {
    const pending = this.deleteMetadata.some((m) => m.errorCode === Errors.NONE.code && this.metadataCache.contains(m.topic));
    return pending ? false : this.forceComplete();
  }

  onComplete(): void {
    const results = new Map<string, TopicOperationError>();
    for (const m of this.deleteMetadata) {
      results.set(m.topic, m.errorCode === Errors.NONE.code && this.metadataCache.contains(m.topic) ? TIMED_OUT : { errorCode: m.errorCode, errorMessage: m.errorMessage });
    }
    this.responseCallback(results);
  }

  onExpiration(): void {}
}
