/**
 * Kafka's LeaderEndPoint (3.x): what a replica fetcher needs of the leader it follows — fetch, and
 * the leader's earliest and latest offsets for a partition whose fetch offset is out of range.
 * RemoteLeaderEndPoint talks to the leader over the wire; specs give the fetcher their own.
 */
import type { Input } from '../protocol/frames.js';
import type { FetchRequest, FetchResponse } from '../protocol/generated/types.js';
import type { TopicPartition } from '../common/topic-partition.js';

export interface LeaderFetchResult {
  response: FetchResponse;
  /** Gives the response's frame back once its records are appended (they view the frame). */
  release(): void;
}

export interface LeaderEndPoint {
  /** The leader's broker id. */
  readonly brokerId: number;
  fetch(request: Input<FetchRequest>): Promise<LeaderFetchResult>;
  fetchEarliestOffset(tp: TopicPartition, currentLeaderEpoch: number): Promise<bigint>;
  fetchLatestOffset(tp: TopicPartition, currentLeaderEpoch: number): Promise<bigint>;
  close(): void;
}
