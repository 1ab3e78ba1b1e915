/**
 * KafkaMetrics: one broker's Prometheus metrics, after Kafka's BrokerTopicStats, RequestMetrics and
 * the ReplicaManager / KafkaController / Log / GroupMetadataManager gauges (names and the JMX
 * mapping are in metric-names.ts). Each broker has its own prom-client Registry (never the global
 * one), so several brokers can live in one test process.
 *
 * Two kinds of inputs:
 * - events the broker marks on its hot paths (`markBytesIn`, `updateBytesOut`, `recordRequest` …):
 *   they add to plain numbers kept per topic and per api key; a Map lookup by topic is all the work,
 *   no label hashing and no strings are built. Values become Prometheus samples at scrape time.
 * - gauges the broker exposes as callbacks (`registerGauges({ leaderCount: () => n, … })`), read at
 *   scrape time, so this module imports nothing from the broker's subsystems. A gauge appears in
 *   /metrics once its callback is registered.
 *
 * `start()` serves `/metrics` and `/health` over HTTP when `kafkats.metrics.port` is not -1.
 */
import { metricsConfigFrom } from '../config/metrics-config.js';
import { Registry, collectDefaultMetrics, type Metric } from 'prom-client';
import type { AddressInfo } from 'node:net';
import { apiKeyName } from '../protocol/api-keys.js';
import { errorForCode } from '../protocol/errors.js';
import type { KafkaConfig } from '../config/kafka-config.js';
import { logger, type Logger } from '../utils/logger.js';
import { METRICS, REQUEST_TIME_BUCKETS, type MetricName } from './metric-names.js';
import {
  SnapshotCounter, SnapshotGauge, SnapshotHistogram, HistogramData, type Sample, type HistogramSeries,
} from './snapshot-metrics.js';
import { MetricsHttpServer, type BrokerHealth } from './metrics-server.js';

/** Kafka's BrokerTopicMetrics for one topic: running totals the broker adds to. */
export class BrokerTopicStats {
  bytesIn = 0;
  bytesOut = 0;
  messagesIn = 0;
  bytesRejected = 0;
  totalProduceRequests = 0;
  failedProduceRequests = 0;
  totalFetchRequests = 0;
  failedFetchRequests = 0;
  /** The label set, built once per topic. */
  readonly labels: Readonly<{ topic: string }>;

  constructor(readonly topic: string) {
    this.labels = { topic };
  }
}

/** One partition log on this broker, as the `logs` gauge callback reports it. */
export interface LogMetrics {
  readonly topic: string;
  readonly partition: number;
  /** Bytes of all segments. */
  readonly size: number;
  readonly logStartOffset?: number | bigint;
  readonly logEndOffset?: number | bigint;
  readonly numLogSegments?: number;
}

/** Callbacks read at scrape time; every one is optional. Controller gauges must answer 0 on a non-controller, as Kafka's do. */
export interface BrokerGauges {
  underReplicatedPartitions?: () => number;
  underMinIsrPartitionCount?: () => number;
  leaderCount?: () => number;
  partitionCount?: () => number;
  replicaFetcherMaxLag?: () => number;
  /** Kafka's BrokerState code (0 NotRunning, 1 Starting, 3 RunningAsBroker, 6 PendingControlledShutdown, 7 BrokerShuttingDown). */
  brokerState?: () => number;
  activeControllerCount?: () => number;
  offlinePartitionsCount?: () => number;
  globalTopicCount?: () => number;
  globalPartitionCount?: () => number;
  preferredReplicaImbalanceCount?: () => number;
  numGroups?: () => number;
  numOffsets?: () => number;
  numIncrementalFetchSessions?: () => number;
  numIncrementalFetchPartitionsCached?: () => number;
  /** The SocketServer's memory pool (queued.max.request.bytes): bytes free (+Inf when unbounded) and in use. */
  memoryPoolAvailable?: () => number;
  memoryPoolUsed?: () => number;
  /** Every partition log on this broker (read once per log metric per scrape). */
  logs?: () => Iterable<LogMetrics>;
  /** Every delayed-operation purgatory (Produce, Fetch, DeleteRecords). */
  purgatories?: () => Iterable<PurgatoryMetrics>;
}

/** One DelayedOperationPurgatory, as the `purgatories` gauge callback reports it. */
export interface PurgatoryMetrics {
  readonly delayedOperation: string;
  readonly watched: number;
  readonly numDelayed: number;
}

type ScalarGauge = Exclude<keyof BrokerGauges, 'logs' | 'purgatories'>;
const SCALAR_GAUGES: readonly ScalarGauge[] = [
  'underReplicatedPartitions', 'underMinIsrPartitionCount', 'leaderCount', 'partitionCount', 'replicaFetcherMaxLag',
  'brokerState', 'activeControllerCount', 'offlinePartitionsCount', 'globalTopicCount', 'globalPartitionCount',
  'preferredReplicaImbalanceCount', 'numGroups', 'numOffsets', 'numIncrementalFetchSessions', 'numIncrementalFetchPartitionsCached',
  'memoryPoolAvailable', 'memoryPoolUsed',
];
const LOG_GAUGES = ['logSize', 'logStartOffset', 'logEndOffset', 'numLogSegments'] as const;
const PURGATORY_GAUGES = ['purgatorySize', 'numDelayedOperations'] as const;

export interface KafkaMetricsOptions {
  brokerId: number;
  /** HTTP port of /metrics and /health: -1 disables the endpoint (the default), 0 picks a free port. */
  port?: number;
  /** Interface to bind; '' (the default) binds every interface (fromConfig: the listener's host). */
  host?: string;
  /** Also collect prom-client's process and Node.js metrics into this registry (default true). */
  defaultMetrics?: boolean;
}

/** Api keys are int16 but Kafka defines < 100; requests with larger keys never reach a handler. */
const MAX_API_KEYS = 256;
type TopicField = Exclude<keyof BrokerTopicStats, 'labels' | 'topic'>;

export class KafkaMetrics {
  readonly registry = new Registry();
  readonly brokerId: number;
  /** The `RequestMetrics` shape BrokerContext takes (KafkaApis records every handled request). */
  readonly requestMetrics: { record(apiKey: number, latencyMs: number): void };

  private readonly log: Logger = logger('kafka.metrics');
  private readonly topics = new Map<string, BrokerTopicStats>();
  private replicationBytesIn = 0;
  private replicationBytesOut = 0;
  private isrShrinks = 0;
  private isrExpands = 0;
  private uncleanLeaderElections = 0;
  private readonly requestCounts = new Float64Array(MAX_API_KEYS);
  private readonly requestTimes: Array<HistogramData | undefined> = new Array<HistogramData | undefined>(MAX_API_KEYS);
  /** (apiKey << 16 | errorCode & 0xffff) → count. */
  private readonly errorCounts = new Map<number, number>();
  private readonly gauges: BrokerGauges = {};
  private readonly gaugeMetrics = new Map<string, SnapshotGauge>();
  private readonly failingGauges = new Set<string>();
  private health: (() => BrokerHealth) | null = null;
  private readonly server: MetricsHttpServer | null;

  constructor(options: KafkaMetricsOptions) {
    this.brokerId = options.brokerId;
    this.requestMetrics = { record: (apiKey, latencyMs) => this.recordRequest(apiKey, latencyMs) };
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.registerCounters();
    this.register(new SnapshotHistogram(METRICS.totalTime, REQUEST_TIME_BUCKETS, () => this.requestTimeSeries()));
    for (const id of SCALAR_GAUGES) this.gaugeMetrics.set(id, new SnapshotGauge(METRICS[id], () => this.scalarSample(id)));
    for (const id of LOG_GAUGES) this.gaugeMetrics.set(id, new SnapshotGauge(METRICS[id], () => this.logSamples(id)));
    for (const id of PURGATORY_GAUGES) this.gaugeMetrics.set(id, new SnapshotGauge(METRICS[id], () => this.purgatorySamples(id)));
    const port = options.port ?? -1;
    this.server = port < 0 ? null : new MetricsHttpServer({
      host: options.host ?? '',
      port,
      metrics: () => this.metricsText(),
      contentType: this.registry.contentType,
      health: () => this.currentHealth(),
      log: this.log,
    });
  }

  /** The broker config's MetricsConfig (`kafkats.metrics.port`, `kafkats.metrics.host`, unset host: the first listener's). */
  static fromConfig(config: KafkaConfig, options: { defaultMetrics?: boolean; brokerId?: number } = {}): KafkaMetrics {
    return new KafkaMetrics({ brokerId: options.brokerId ?? config.brokerId, ...metricsConfigFrom(config), defaultMetrics: options.defaultMetrics });
  }

  // ---------------------------------------------------------------- hot path: BrokerTopicStats

  /** The running totals of one topic (created on first use; callers may keep the object). */
  topicStats(topic: string): BrokerTopicStats {
    let stats = this.topics.get(topic);
    if (stats === undefined) {
      stats = new BrokerTopicStats(topic);
      this.topics.set(topic, stats);
    }
    return stats;
  }

  /** One partition's produce attempt (Kafka marks TotalProduceRequestsPerSec per partition). */
  markProduceRequest(topic: string): void {
    this.topicStats(topic).totalProduceRequests += 1;
  }

  markFailedProduceRequest(topic: string): void {
    this.topicStats(topic).failedProduceRequests += 1;
  }

  /** A leader append from a client: bytes of the batches and their record count (from the batch headers). */
  markBytesIn(topic: string, bytes: number, messages: number): void {
    const stats = this.topicStats(topic);
    stats.bytesIn += bytes;
    stats.messagesIn += messages;
  }

  markBytesRejected(topic: string, bytes: number): void {
    this.topicStats(topic).bytesRejected += bytes;
  }

  /** One partition's fetch attempt (consumer or follower, as Kafka counts TotalFetchRequestsPerSec). */
  markFetchRequest(topic: string): void {
    this.topicStats(topic).totalFetchRequests += 1;
  }

  markFailedFetchRequest(topic: string): void {
    this.topicStats(topic).failedFetchRequests += 1;
  }

  /** Bytes in a fetch response; follower fetches count as replication bytes out (Kafka's BrokerTopicStats.updateBytesOut). */
  updateBytesOut(topic: string, isFollower: boolean, bytes: number): void {
    if (isFollower) this.replicationBytesOut += bytes;
    else this.topicStats(topic).bytesOut += bytes;
  }

  /** Bytes a replica fetcher appended to a follower log. */
  updateReplicationBytesIn(bytes: number): void {
    this.replicationBytesIn += bytes;
  }

  /** Kafka's BrokerTopicStats.removeMetrics: forget a deleted topic's series. */
  removeTopic(topic: string): void {
    this.topics.delete(topic);
  }

  // ---------------------------------------------------------------- hot path: ReplicaManager, controller, requests

  markIsrShrink(): void {
    this.isrShrinks += 1;
  }

  markIsrExpand(): void {
    this.isrExpands += 1;
  }

  markUncleanLeaderElection(): void {
    this.uncleanLeaderElections += 1;
  }

  /** One handled request: RequestsPerSec and TotalTimeMs of its API. */
  recordRequest(apiKey: number, totalTimeMs: number): void {
    if (!(apiKey >= 0 && apiKey < MAX_API_KEYS)) return;
    this.requestCounts[apiKey] = (this.requestCounts[apiKey] as number) + 1;
    let h = this.requestTimes[apiKey];
    if (h === undefined) {
      h = new HistogramData(REQUEST_TIME_BUCKETS);
      this.requestTimes[apiKey] = h;
    }
    h.observe(totalTimeMs / 1000);
  }

  /** Error codes in a response (ErrorsPerSec); Kafka counts NONE too, callers decide. */
  markErrors(apiKey: number, errorCode: number, count = 1): void {
    if (!(apiKey >= 0 && apiKey < MAX_API_KEYS)) return;
    const key = apiKey * 65536 + (errorCode & 0xffff);
    this.errorCounts.set(key, (this.errorCounts.get(key) ?? 0) + count);
  }

  // ---------------------------------------------------------------- gauges and health

  /** Registers (or replaces) gauge callbacks; each gauge appears in /metrics from now on. */
  registerGauges(callbacks: BrokerGauges): void {
    for (const [id, cb] of Object.entries(callbacks) as Array<[keyof BrokerGauges, BrokerGauges[keyof BrokerGauges]]>) {
      if (cb === undefined) continue;
      (this.gauges as Record<string, unknown>)[id] = cb;
      const ids = id === 'logs' ? LOG_GAUGES : id === 'purgatories' ? PURGATORY_GAUGES : [id];
      for (const g of ids) this.register(this.gaugeMetrics.get(g) as SnapshotGauge);
      this.failingGauges.delete(id);
    }
  }

  /** The callback behind `GET /health`; until one is registered the endpoint answers `starting` (503). */
  registerHealth(callback: () => BrokerHealth): void {
    this.health = callback;
  }

  // ---------------------------------------------------------------- exposition

  /** The registry in Prometheus text format (what `GET /metrics` serves). */
  async metricsText(): Promise<string> {
    return this.registry.metrics();
  }

  /** Serves /metrics and /health when a port is configured; resolves with the bound address, or null when disabled or binding failed (logged). */
  async start(): Promise<AddressInfo | null> {
    return this.server ? this.server.start() : null;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }

  /** Bound address of the HTTP endpoint, or null. */
  get address(): AddressInfo | null {
    return this.server?.address ?? null;
  }

  // ---------------------------------------------------------------- internals

  private register(metric: Metric): void {
    this.registry.registerMetric(metric);
  }

  private registerCounters(): void {
    const perTopic = (def: MetricName, field: TopicField): SnapshotCounter =>
      new SnapshotCounter(def, () => this.topicSamples(field));
    const single = (def: MetricName, read: () => number): SnapshotCounter =>
      new SnapshotCounter(def, () => [{ labels: {}, value: read() }]);
    this.register(perTopic(METRICS.bytesIn, 'bytesIn'));
    this.register(perTopic(METRICS.bytesOut, 'bytesOut'));
    this.register(perTopic(METRICS.messagesIn, 'messagesIn'));
    this.register(perTopic(METRICS.bytesRejected, 'bytesRejected'));
    this.register(perTopic(METRICS.totalProduceRequests, 'totalProduceRequests'));
    this.register(perTopic(METRICS.failedProduceRequests, 'failedProduceRequests'));
    this.register(perTopic(METRICS.totalFetchRequests, 'totalFetchRequests'));
    this.register(perTopic(METRICS.failedFetchRequests, 'failedFetchRequests'));
    this.register(single(METRICS.replicationBytesIn, () => this.replicationBytesIn));
    this.register(single(METRICS.replicationBytesOut, () => this.replicationBytesOut));
    this.register(single(METRICS.isrShrinks, () => this.isrShrinks));
    this.register(single(METRICS.isrExpands, () => this.isrExpands));
    this.register(single(METRICS.uncleanLeaderElections, () => this.uncleanLeaderElections));
    this.register(new SnapshotCounter(METRICS.requests, () => this.requestSamples()));
    this.register(new SnapshotCounter(METRICS.errors, () => this.errorSamples()));
  }

  private *topicSamples(field: TopicField): Iterable<Sample> {
    for (const stats of this.topics.values()) yield { labels: stats.labels, value: stats[field] };
  }

  private *requestSamples(): Iterable<Sample> {
    for (let k = 0; k < MAX_API_KEYS; k++) {
      const n = this.requestCounts[k] as number;
      if (n > 0) yield { labels: { request: apiKeyName(k) }, value: n };
    }
  }

  private *errorSamples(): Iterable<Sample> {
    for (const [key, value] of this.errorCounts) {
      const apiKey = Math.floor(key / 65536);
      const code = ((key & 0xffff) << 16) >> 16;
      yield { labels: { request: apiKeyName(apiKey), error: errorForCode(code).name }, value };
    }
  }

  private *requestTimeSeries(): Iterable<HistogramSeries> {
    for (let k = 0; k < MAX_API_KEYS; k++) {
      const data = this.requestTimes[k];
      if (data !== undefined) yield { labels: { request: apiKeyName(k) }, data };
    }
  }

  private scalarSample(id: ScalarGauge): Sample[] {
    const cb = this.gauges[id];
    if (cb === undefined) return [];
    try {
      return [{ labels: {}, value: Number(cb()) }];
    } catch (err) {
      this.gaugeFailed(id, err);
      return [];
    }
  }

  private purgatorySamples(id: (typeof PURGATORY_GAUGES)[number]): Sample[] {
    const cb = this.gauges.purgatories;
    if (cb === undefined) return [];
    try {
      return [...cb()].map((p) => ({ labels: { delayedOperation: p.delayedOperation }, value: id === 'purgatorySize' ? p.watched : p.numDelayed }));
    } catch (err) {
      this.gaugeFailed('purgatories', err);
      return [];
    }
  }

  private logSamples(id: (typeof LOG_GAUGES)[number]): Sample[] {
    const cb = this.gauges.logs;
    if (cb === undefined) return [];
    const out: Sample[] = [];
    try {
      for (const l of cb()) {
        const value = id === 'logSize' ? l.size : id === 'logStartOffset' ? l.logStartOffset
          : id === 'logEndOffset' ? l.logEndOffset : l.numLogSegments;
        if (value !== undefined) out.push({ labels: { topic: l.topic, partition: String(l.partition) }, value: Number(value) });
      }
    } catch (err) {
      this.gaugeFailed('logs', err);
      return [];
    }
    return out;
  }

  /** A failing callback is logged once (until re-registered) and its gauge is left out of the scrape. */
  private gaugeFailed(id: string, err: unknown): void {
    if (this.failingGauges.has(id)) return;
    this.failingGauges.add(id);
    this.log.warn({ err, gauge: id }, `metrics gauge ${id} failed; leaving it out of scrapes`);
  }

  private currentHealth(): BrokerHealth {
    return this.health ? this.health() : { status: 'starting', brokerId: this.brokerId, controller: false };
  }
}
