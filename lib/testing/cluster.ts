/**
 * startCluster(): a real local kafkats cluster for tests and `kafkats cluster` — a ZooKeeper
 * (the shared test one under a fresh chroot, a given connect string, or one started for this
 * cluster) and N broker processes on consecutive ports with data in a temp (or given) directory.
 * Ready means every broker answers Metadata listing all N brokers and a controller.
 *
 * For a Node team's own tests it also hands out fault handles — killBroker (kill -9), pauseBroker
 * (SIGSTOP, past the session timeout if held), restartBroker, leaderOf, waitForIsr — so an app can be
 * tested against a leader failover without Docker. Dev clusters start new groups at once
 * (group.initial.rebalance.delay.ms=0 unless overridden).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BrokerProcess, sleep, type BrokerProcessOptions } from './broker-process.js';
import { findFreePort, startZooKeeper, type RunningZooKeeper } from './zookeeper-runner.js';
import { NetworkClient } from '../network/network-client.js';
import { ApiKeys, decodeResponse, encodeRequest } from '../protocol/index.js';

export interface ClusterOptions {
  brokers?: number;
  /** `host:port/chroot`; when absent a ZooKeeper is started for this cluster. */
  zookeeper?: string;
  /** First broker port; broker i listens on basePort + i. Free ports are picked when absent. */
  basePort?: number;
  /** Data directory (broker-<i> below it); a temp dir removed on stop() when absent. */
  dataDir?: string;
  /** Extra server.properties keys for every broker. */
  overrides?: Record<string, string | number | boolean>;
  host?: string;
  output?: 'inherit' | 'buffer';
  startTimeoutMs?: number;
  /** Extra server.properties keys for one broker (e.g. its own `kafkats.metrics.port`); wins over `overrides`. */
  brokerOverrides?: (brokerId: number) => Record<string, string | number | boolean>;
  /** Listeners of one broker beside the harness's PLAINTEXT one (BrokerProcessOptions.extraListeners). */
  extraListeners?: (brokerId: number) => string;
  /**
   * Per-broker process options (its own host, port, log dir, ZooKeeper connect string, launcher or
   * output file); win over the cluster-wide values.
   */
  brokerOptions?: (brokerId: number) => Partial<Omit<BrokerProcessOptions, 'brokerId' | 'overrides'>>;
  /** Client port of the ZooKeeper started for this cluster (when `zookeeper` is absent); a free port by default. */
  zookeeperPort?: number;
  /** Start-up progress, one short line per step (`kafkats cluster` prints them). */
  onProgress?: (message: string) => void;
}

export interface RunningCluster {
  brokers: BrokerProcess[];
  /** `host:port` of every broker, for clients' bootstrap lists. */
  bootstrapServers: string[];
  zookeeperConnect: string;
  dataDir: string;
  broker(id: number): BrokerProcess;
  /** Waits until every running broker sees `expectedBrokers` live brokers and a controller. */
  waitUntilReady(timeoutMs?: number, expectedBrokers?: number): Promise<ClusterMetadata>;
  stop(): Promise<void>;
  /** kill -9 of a broker: a crash, nothing flushed or handed over. */
  killBroker(id: number): Promise<void>;
  /** SIGSTOP: the broker freezes (no fetches, no ZooKeeper heartbeats) until resumeBroker. */
  pauseBroker(id: number): void;
  resumeBroker(id: number): void;
  /** Starts a stopped or killed broker again on its data (resuming a paused one first) and waits until every broker sees it. */
  restartBroker(id: number, timeoutMs?: number): Promise<void>;
  /** The partition's leader (-1 while it has none), as a running broker's metadata shows it. */
  leaderOf(topic: string, partition: number): Promise<number>;
  /** Waits until the partition's ISR holds `size` replicas (all of its replicas by default); resolves with the ISR. */
  waitForIsr(topic: string, partition: number, options?: { size?: number; timeoutMs?: number }): Promise<number[]>;
}

export interface PartitionMetadata {
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
}

export interface ClusterMetadata {
  controllerId: number;
  brokers: Array<{ nodeId: number; host: string; port: number }>;
}

export async function startCluster(options: ClusterOptions = {}): Promise<RunningCluster> {
  const n = options.brokers ?? 3;
  const host = options.host ?? 'localhost';
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kafkats-cluster-'));
  const progress = options.onProgress ?? ((): void => undefined);
  const t0 = Date.now();
  let zk: RunningZooKeeper | null = null;
  let zookeeperConnect = options.zookeeper;
  if (!zookeeperConnect) {
    progress(`starting ZooKeeper (data in ${path.join(dataDir, 'zookeeper')})`);
    try {
      zk = await startZooKeeper({ dataDir: path.join(dataDir, 'zookeeper'), port: options.zookeeperPort });
    } catch (err) {
      if (ownDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      throw err;
    }
    zookeeperConnect = zk.connectString;
    progress(`ZooKeeper serving at ${zookeeperConnect} (${Date.now() - t0} ms)`);
  }
  const ports: number[] = [];
  for (let i = 0; i < n; i++) ports.push(options.basePort !== undefined ? options.basePort + i : await findFreePort());
  // Internal topics default to RF 3 and, as in Kafka, are not capped: a smaller dev cluster sets
  // them to its size (what Kafka's single-node quickstart config does).
  const small: Record<string, number> = n < 3
    ? { 'offsets.topic.replication.factor': n, 'transaction.state.log.replication.factor': n, 'transaction.state.log.min.isr': Math.min(2, n) }
    : {};
  // A dev cluster forms a new group at once instead of waiting 3 s for more members.
  const dev: Record<string, number> = { 'group.initial.rebalance.delay.ms': 0 };
  const brokers = ports.map((port, i) => new BrokerProcess({
    brokerId: i,
    port,
    host,
    logDir: path.join(dataDir, `broker-${i}`),
    zookeeperConnect: zookeeperConnect as string,
    overrides: { ...dev, ...small, ...options.overrides, ...options.brokerOverrides?.(i) },
    extraListeners: options.extraListeners?.(i),
    output: options.output ?? 'buffer',
    ...options.brokerOptions?.(i),
  }));
  const cluster: RunningCluster = {
    brokers,
    bootstrapServers: brokers.map((b) => b.bootstrap),
    zookeeperConnect,
    dataDir,
    broker: (id) => {
      const b = brokers.find((x) => x.brokerId === id);
      if (!b) throw new Error(`no broker ${id}`);
      return b;
    },
    waitUntilReady: (timeoutMs = 30_000, expected = n) => waitUntilReady(brokers.filter((b) => b.isRunning && !b.isPaused), expected, timeoutMs),
    stop: async () => {
      await stopBrokers(brokers);
      if (zk) await zk.stop();
      if (ownDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
    killBroker: (id) => cluster.broker(id).kill9(),
    pauseBroker: (id) => cluster.broker(id).pause(),
    resumeBroker: (id) => cluster.broker(id).resume(),
    restartBroker: async (id, timeoutMs = 60_000) => {
      const b = cluster.broker(id);
      b.resume();
      if (b.isRunning) await b.stop(timeoutMs);
      await b.start(timeoutMs);
      await cluster.waitUntilReady(timeoutMs, brokers.filter((x) => x.isRunning && !x.isPaused).length);
    },
    leaderOf: async (topic, partition) => (await partitionMetadata(brokers, topic, partition)).leader,
    waitForIsr: async (topic, partition, opts = {}) => {
      const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
      let last = 'no answer yet';
      while (Date.now() < deadline) {
        try {
          const p = await partitionMetadata(brokers, topic, partition);
          if (p.isr.length >= (opts.size ?? p.replicas.length) && p.replicas.length > 0) return p.isr;
          last = `ISR [${p.isr.join(',')}] of replicas [${p.replicas.join(',')}]`;
        } catch (err) {
          last = (err as Error).message;
        }
        await sleep(100);
      }
      throw new Error(`${topic}-${partition}: ISR not full after ${opts.timeoutMs ?? 30_000} ms (${last})`);
    },
  };
  try {
    progress(`starting ${n} broker${n === 1 ? '' : 's'} on ports ${brokers.map((b) => b.port).join(', ')}`);
    await Promise.all(brokers.map(async (b) => {
      const started = Date.now();
      await b.start(options.startTimeoutMs ?? 60_000);
      progress(`broker ${b.brokerId} started on ${b.bootstrap} (${Date.now() - started} ms)`);
    }));
    progress('waiting until every broker sees all brokers and one controller');
    await cluster.waitUntilReady(options.startTimeoutMs ?? 60_000);
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}

/**
 * Stops the brokers as an operator would: every broker but the controller first (each one's
 * controlled shutdown is answered by the live controller), then the controller. Stopping all at
 * once makes each broker retry its controlled shutdown against a controller that is itself going
 * away (controlled.shutdown.retry.backoff.ms, 5 s by default, per attempt).
 */
async function stopBrokers(brokers: BrokerProcess[]): Promise<void> {
  const running = brokers.filter((b) => b.isRunning && !b.isPaused);
  let controllerId = -1;
  if (running.length > 1) {
    try {
      const b = running[0]!;
      controllerId = (await fetchClusterMetadata(b.options.host ?? 'localhost', b.port)).controllerId;
    } catch {
      controllerId = -1;
    }
  }
  await Promise.all(running.filter((b) => b.brokerId !== controllerId).map((b) => b.stop(15_000)));
  await Promise.all(brokers.map((b) => b.stop(15_000)));
}

async function waitUntilReady(brokers: BrokerProcess[], expected: number, timeoutMs: number): Promise<ClusterMetadata> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      const views = await Promise.all(brokers.map((b) => fetchClusterMetadata(b.options.host ?? 'localhost', b.port)));
      const ok = views.every((v) => v.controllerId >= 0 && v.brokers.length === expected && v.controllerId === views[0]!.controllerId);
      if (ok) return views[0]!;
      last = JSON.stringify(views.map((v) => ({ controller: v.controllerId, brokers: v.brokers.map((b) => b.nodeId) })));
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`cluster not ready after ${timeoutMs} ms: ${last}\n${brokers.map((b) => `--- broker ${b.brokerId}\n${b.recentOutput(30)}`).join('\n')}`);
}

/** A partition's leader, replicas and ISR from the first running broker that answers (Metadata v9). */
export async function partitionMetadata(brokers: readonly BrokerProcess[], topic: string, partition: number): Promise<PartitionMetadata> {
  let lastError: unknown = new Error('no running broker');
  for (const b of brokers.filter((x) => x.isRunning && !x.isPaused)) {
    const client = new NetworkClient({ host: b.options.host ?? 'localhost', port: b.port }, { requestTimeoutMs: 5000, connectTimeoutMs: 2000, maxResponseSize: 10 * 1024 * 1024 });
    try {
      const frame = encodeRequest({ requestApiKey: ApiKeys.METADATA, requestApiVersion: 9, correlationId: 1, clientId: 'kafkats-cluster' },
        { topics: [{ name: topic }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
      const { body } = decodeResponse(ApiKeys.METADATA, 9, (await client.send(1, [frame])) as Buffer);
      const p = body.topics[0]?.partitions.find((x) => x.partitionIndex === partition);
      if (!p) throw new Error(`no partition ${topic}-${partition} (error ${body.topics[0]?.errorCode})`);
      return { partition, leader: p.leaderId, leaderEpoch: p.leaderEpoch, replicas: p.replicaNodes, isr: p.isrNodes };
    } catch (err) {
      lastError = err;
    } finally {
      client.close();
    }
  }
  throw lastError;
}

/** One Metadata v1 round trip (no topics): the broker's view of live brokers and the controller. */
export async function fetchClusterMetadata(host: string, port: number): Promise<ClusterMetadata> {
  const client = new NetworkClient({ host, port }, { requestTimeoutMs: 5000, connectTimeoutMs: 2000, maxResponseSize: 10 * 1024 * 1024 });
  try {
    const frame = encodeRequest({ requestApiKey: ApiKeys.METADATA, requestApiVersion: 1, correlationId: 1, clientId: 'kafkats-cluster' }, { topics: [] });
    const payload = await client.send(1, [frame]);
    const { body } = decodeResponse(ApiKeys.METADATA, 1, payload as Buffer);
    return { controllerId: body.controllerId, brokers: body.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })) };
  } finally {
    client.close();
  }
}
