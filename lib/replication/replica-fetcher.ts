/**
 * Kafka's ReplicaFetcherThread: one per source broker, pulling every partition this broker follows
 * from that leader with Fetch requests carrying our replica id. Fetch v12 sends each partition's
 * last fetched epoch; a leader whose log diverged answers with a diverging epoch and the follower
 * truncates (KIP-595 semantics, the successor of KIP-101/279's OffsetsForLeaderEpoch round trip).
 * An out-of-range fetch offset is resolved with ListOffsets against the leader, as Kafka does.
 */
import { NetworkClient } from '../network/network-client.js';
import { ApiKeys, decodeResponse, encodeRequest } from '../protocol/index.js';
import type { Input, RequestApiKey } from '../protocol/frames.js';
import type { RequestBodies, ResponseBodies, FetchResponse } from '../protocol/generated/types.js';
import { Errors } from '../protocol/errors.js';
import type { Partition } from '../cluster/partition.js';
import { type TopicPartition, tpKey } from '../common/topic-partition.js';
import { logger, type Logger } from '../utils/logger.js';
import { groupBy } from '../utils/collections.js';
import { sharedBufferPool } from '../utils/buffer-pool.js';

const FETCH_VERSION = 12;
const LIST_OFFSETS_VERSION = 5;

export interface FetcherConfig {
  brokerId: number;
  fetchMaxWaitMs: number;
  fetchMinBytes: number;
  fetchMaxBytes: number;
  fetchResponseMaxBytes: number;
  fetchBackoffMs: number;
  requestTimeoutMs: number;
}

interface FetchState {
  tp: TopicPartition;
  partition: Partition;
  currentLeaderEpoch: number;
  /** Skip this partition until then (after an error). */
  delayedUntil: number;
}

export class ReplicaFetcher {
  readonly log: Logger;
  private readonly client: NetworkClient;
  private readonly partitions = new Map<string, FetchState>();
  private running = true;
  private wake: (() => void) | null = null;
  private correlationId = 0;
  readonly done: Promise<void>;

  constructor(
    readonly sourceBrokerId: number,
    host: string,
    port: number,
    private readonly config: FetcherConfig,
    private readonly onFollowerAppend?: (tp: TopicPartition) => void,
  ) {
    this.log = logger('kafka.server.ReplicaFetcherThread', { leader: sourceBrokerId });
    this.client = new NetworkClient({ host, port }, { requestTimeoutMs: config.requestTimeoutMs, connectTimeoutMs: 5000, maxResponseSize: config.fetchResponseMaxBytes + 1024 * 1024, bufferPool: sharedBufferPool });
    this.done = this.loop();
  }

  get partitionCount(): number {
    return this.partitions.size;
  }

  addPartitions(entries: Array<{ tp: TopicPartition; partition: Partition; currentLeaderEpoch: number }>): void {
    for (const e of entries) this.partitions.set(tpKey(e.tp), { ...e, delayedUntil: 0 });
    this.wake?.();
  }

  removePartitions(tps: TopicPartition[]): void {
    for (const tp of tps) this.partitions.delete(tpKey(tp));
  }

  async shutdown(): Promise<void> {
    this.running = false;
    this.client.close();
    this.wake?.();
    await this.done;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const now = Date.now();
      const ready = [...this.partitions.values()].filter((s) => s.delayedUntil <= now && s.partition.localLogOrNull !== null);
      if (ready.length === 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, this.partitions.size > 0 ? this.config.fetchBackoffMs : 60_000).unref();
        });
        this.wake = null;
        continue;
      }
      try {
        await this.fetchOnce(ready);
      } catch (err) {
        if (!this.running) return;
        this.log.warn(`Error fetching from broker ${this.sourceBrokerId}: ${(err as Error).message}`);
        for (const s of ready) s.delayedUntil = Date.now() + this.config.fetchBackoffMs;
      }
    }
  }

  private async send<K extends RequestApiKey>(apiKey: K, version: number, body: Input<RequestBodies[K]>): Promise<ResponseBodies[K]> {
    return (await this.request(apiKey, version, body)).body;
  }

  /** The decoded response and the frame it views (a fetch gives the frame back to the pool once its records are appended). */
  private async request<K extends RequestApiKey>(apiKey: K, version: number, body: Input<RequestBodies[K]>): Promise<{ body: ResponseBodies[K]; frame: Buffer }> {
    const correlationId = this.correlationId++;
    const request = encodeRequest({ requestApiKey: apiKey, requestApiVersion: version, correlationId, clientId: `broker-${this.config.brokerId}-fetcher-0` }, body);
    const frame = (await this.client.send(correlationId, [request])) as Buffer;
    return { body: decodeResponse(apiKey, version, frame).body, frame };
  }

  private async fetchOnce(states: FetchState[]): Promise<void> {
    const byTopic = groupBy(states, (s) => s.tp.topic);
    const sent = new Map(states.map((s) => [tpKey(s.tp), { state: s, fetchOffset: s.partition.localLogOrException().logEndOffset }]));
    const { body: response, frame } = await this.request(ApiKeys.FETCH, FETCH_VERSION, {
      replicaId: this.config.brokerId,
      maxWaitMs: this.config.fetchMaxWaitMs,
      minBytes: this.config.fetchMinBytes,
      maxBytes: this.config.fetchResponseMaxBytes,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [...byTopic].map(([topic, list]) => ({
        topic,
        partitions: list.map((s) => {
          const log = s.partition.localLogOrException();
          return {
            partition: s.tp.partition,
            currentLeaderEpoch: s.currentLeaderEpoch,
            fetchOffset: log.logEndOffset,
            lastFetchedEpoch: log.leaderEpochCache.latestEpoch() ?? -1,
            logStartOffset: log.logStartOffset,
            partitionMaxBytes: this.config.fetchMaxBytes,
          };
        }),
      })),
      forgottenTopicsData: [],
      rackId: '',
    });
    try {
      if (response.errorCode !== Errors.NONE.code) throw new Error(`fetch answered with error ${response.errorCode}`);
      for (const t of response.responses) {
        for (const p of t.partitions) {
          const key = tpKey({ topic: t.topic, partition: p.partitionIndex });
          const entry = sent.get(key);
          const current = this.partitions.get(key);
          // Dropped or re-added (new leader epoch) while the fetch was in flight: ignore this answer.
          if (!entry || current !== entry.state) continue;
          await this.processPartitionData(entry.state, entry.fetchOffset, p);
        }
      }
    } finally {
      // Appends copy the records into the log (synchronous writes); nothing keeps the frame.
      sharedBufferPool.release(frame);
    }
  }

  private async processPartitionData(state: FetchState, fetchOffset: bigint, p: FetchResponse['responses'][number]['partitions'][number]): Promise<void> {
    const log = state.partition.localLogOrNull;
    if (!log) return;
    if (p.errorCode === Errors.NONE.code) {
      if (p.divergingEpoch.epoch >= 0 || p.divergingEpoch.endOffset >= 0n) {
        this.truncateOnDivergence(state, p.divergingEpoch.epoch, p.divergingEpoch.endOffset);
        return;
      }
      if (log.logEndOffset !== fetchOffset) return; // truncated meanwhile
      if (p.records && p.records.length > 0) {
        log.appendAsFollower(p.records);
        this.onFollowerAppend?.(state.tp);
      }
      const hw = p.highWatermark < log.logEndOffset ? p.highWatermark : log.logEndOffset;
      if (hw > log.highWatermark) log.updateHighWatermark(hw);
      if (p.logStartOffset > log.logStartOffset && p.logStartOffset <= log.logEndOffset) log.maybeIncrementLogStartOffset(p.logStartOffset, 'LeaderOffsetIncremented');
      return;
    }
    if (p.errorCode === Errors.OFFSET_OUT_OF_RANGE.code) {
      await this.handleOutOfRange(state);
      return;
    }
    // NOT_LEADER_OR_FOLLOWER, FENCED/UNKNOWN_LEADER_EPOCH, UNKNOWN_TOPIC_OR_PARTITION …: wait for the
    // controller's next LeaderAndIsr, retrying after the backoff.
    this.log.debug(`Partition ${tpKey(state.tp)} fetch error ${p.errorCode}; backing off`);
    state.delayedUntil = Date.now() + this.config.fetchBackoffMs;
  }

  /** Truncates to where the leader's log and ours agree (Kafka's getOffsetTruncationState). */
  private truncateOnDivergence(state: FetchState, leaderEpoch: number, leaderEndOffset: bigint): void {
    const log = state.partition.localLogOrException();
    const ours = log.endOffsetForEpoch(leaderEpoch);
    let target: bigint;
    if (ours.epoch < 0) target = leaderEndOffset < log.logEndOffset ? leaderEndOffset : log.logEndOffset;
    else if (ours.epoch === leaderEpoch) target = leaderEndOffset < ours.endOffset ? leaderEndOffset : ours.endOffset;
    else target = ours.endOffset < log.logEndOffset ? ours.endOffset : log.logEndOffset; // another round follows
    if (target < log.highWatermark) log.updateHighWatermark(target);
    this.log.info(`Truncating ${tpKey(state.tp)} to offset ${target} (leader epoch ${leaderEpoch} ends at ${leaderEndOffset} on the leader)`);
    log.truncateTo(target);
  }

  /** Kafka's fetchOffsetAndTruncate: follow the leader's end if we are ahead, its start if we are behind. */
  private async handleOutOfRange(state: FetchState): Promise<void> {
    const log = state.partition.localLogOrException();
    const leaderEnd = await this.leaderOffset(state, -1n);
    if (leaderEnd < log.logEndOffset) {
      this.log.warn(`Truncating ${tpKey(state.tp)} from ${log.logEndOffset} to the leader's end offset ${leaderEnd}`);
      log.truncateTo(leaderEnd);
      return;
    }
    const leaderStart = await this.leaderOffset(state, -2n);
    if (leaderStart > log.logEndOffset) {
      this.log.warn(`Resetting ${tpKey(state.tp)} to the leader's start offset ${leaderStart}`);
      log.truncateFullyAndStartAt(leaderStart);
    }
  }

  private async leaderOffset(state: FetchState, timestamp: bigint): Promise<bigint> {
    const r = await this.send(ApiKeys.LIST_OFFSETS, LIST_OFFSETS_VERSION, {
      replicaId: this.config.brokerId,
      isolationLevel: 0,
      topics: [{ name: state.tp.topic, partitions: [{ partitionIndex: state.tp.partition, currentLeaderEpoch: state.currentLeaderEpoch, timestamp }] }],
    });
    const p = r.topics[0]?.partitions[0];
    if (!p || p.errorCode !== Errors.NONE.code) throw new Error(`ListOffsets for ${tpKey(state.tp)} failed with error ${p?.errorCode}`);
    return p.offset;
  }
}
