/**
 * Shared support for integration specs: a real cluster (broker processes) on the run's shared
 * ZooKeeper under a fresh chroot, kcat and /usr/bin/python3 runners, and a raw Kafka client for
 * byte-level checks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { sharedZooKeeper, uniqueChroot } from '../../lib/testing/zookeeper-runner.js';
import { startCluster, type ClusterOptions, type RunningCluster } from '../../lib/testing/cluster.js';
import { KafkaZkClient } from '../../lib/zk/kafka-zk-client.js';
import { NetworkClient } from '../../lib/network/network-client.js';
import { decodeResponse, encodeRequest } from '../../lib/protocol/index.js';
import type { Input, RequestApiKey } from '../../lib/protocol/frames.js';
import type { RequestBodies, ResponseBodies } from '../../lib/protocol/generated/types.js';

/** Starts a cluster for a `describe` block; stops it (and every broker process) afterwards. */
export function useCluster(options: ClusterOptions | (() => ClusterOptions) = {}): () => RunningCluster {
  let cluster: RunningCluster | undefined;
  before(async function () {
    this.timeout(120_000);
    const zk = await sharedZooKeeper();
    // A function is read when the cluster starts (after the block's earlier before hooks).
    cluster = await startCluster({ zookeeper: `${zk.connectString}${uniqueChroot()}`, ...(typeof options === 'function' ? options() : options) });
  });
  after(async function () {
    this.timeout(60_000);
    await cluster?.stop();
  });
  return () => {
    if (!cluster) throw new Error('cluster not started');
    return cluster;
  };
}

export async function withZk<T>(cluster: RunningCluster, fn: (zk: KafkaZkClient) => Promise<T>): Promise<T> {
  const zk = await KafkaZkClient.create({ connectString: cluster.zookeeperConnect, sessionTimeoutMs: 10_000 });
  try {
    return await fn(zk);
  } finally {
    await zk.close();
  }
}

export interface RunResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs a command with optional stdin (in `cwd`, default this process'), collecting output; fails the test on timeout. */
export function run(cmd: string, args: string[], input?: Buffer | string, timeoutMs = 60_000, cwd?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd });
    const out: Buffer[] = [];
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} timed out after ${timeoutMs} ms; stderr: ${err.slice(-2000)}`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: err });
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

export function kcat(args: string[], input?: Buffer | string, timeoutMs?: number): Promise<RunResult> {
  return run('kcat', args, input, timeoutMs);
}

/** The system python (Debian's python3-confluent-kafka lives there, not in pyenv). */
export function python(script: string, args: string[] = [], timeoutMs?: number): Promise<RunResult> {
  return run('/usr/bin/python3', ['-c', script, ...args], undefined, timeoutMs);
}

/** One request/response with our own codec, for byte-level checks. */
export async function request<K extends RequestApiKey>(bootstrap: string, apiKey: K, version: number, body: Input<RequestBodies[K]>, timeoutMs = 30_000): Promise<ResponseBodies[K]> {
  const [host, port] = bootstrap.split(':');
  const client = new NetworkClient({ host: host!, port: Number(port) }, { requestTimeoutMs: timeoutMs, connectTimeoutMs: Math.min(5000, timeoutMs), maxResponseSize: 200 * 1024 * 1024 });
  try {
    const frame = encodeRequest({ requestApiKey: apiKey, requestApiVersion: version, correlationId: 7, clientId: 'spec' }, body);
    const payload = await client.send(7, [frame]);
    return decodeResponse(apiKey, version, payload as Buffer).body;
  } finally {
    client.close();
  }
}

/** Opens a raw socket and resolves with everything received until the broker closes it (or timeout). */
export function rawExchange(bootstrap: string, bytes: Buffer, waitMs = 3000): Promise<{ data: Buffer; closedByBroker: boolean }> {
  const [host, port] = bootstrap.split(':');
  return new Promise((resolve) => {
    const s = net.connect(Number(port), host);
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (closedByBroker: boolean): void => {
      if (done) return;
      done = true;
      s.destroy();
      resolve({ data: Buffer.concat(chunks), closedByBroker });
    };
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('close', () => finish(true));
    s.on('error', () => finish(true));
    s.on('connect', () => s.write(bytes));
    setTimeout(() => finish(false), waitMs);
  });
}

export async function eventually<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastErr = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${lastErr ? `: ${(lastErr as Error).message}` : ''}`);
}

/** Creates a topic through the controller with CreateTopics v5 and waits until every broker has its leaders. */
export async function createTopic(cluster: RunningCluster, name: string, numPartitions: number, replicationFactor = 1, configs: Record<string, string> = {}): Promise<void> {
  const meta = await cluster.waitUntilReady(30_000, cluster.brokers.filter((b) => b.isRunning).length);
  const controller = cluster.broker(meta.controllerId);
  const r = await request(controller.bootstrap, 19 /* CreateTopics */, 5, {
    topics: [{ name, numPartitions, replicationFactor, assignments: [], configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
    timeoutMs: 30_000,
    validateOnly: false,
  });
  const t = r.topics[0];
  if (!t || t.errorCode !== 0) throw new Error(`CreateTopics ${name} failed with error ${t?.errorCode}: ${t?.errorMessage}`);
  for (const b of cluster.brokers.filter((x) => x.isRunning)) {
    await eventually(async () => {
      const m = await request(b.bootstrap, 3, 1, { topics: [{ name }] });
      const topic = m.topics[0];
      return topic !== undefined && topic.errorCode === 0 && topic.partitions.length === numPartitions && topic.partitions.every((p) => p.leaderId >= 0 && p.errorCode === 0);
    }, 30_000, `leaders of ${name} on broker ${b.brokerId}`);
  }
}

// ---- kafkajs helpers (consumer-group, kafkajs and python client specs) ----

/**
 * kafkajs 2.2.4 with the compression codecs registered the way its users register them:
 * kafkajs-snappy, an lz4js codec and a zstd codec. Importing this module registers them once.
 */
import { createRequire } from 'node:module';
import { zstdCompress, zstdDecompress } from '../record/kafkajs-zstd-codec.js';
import kafkajs from 'kafkajs';

const requireCjs = createRequire(import.meta.url);
type KafkajsCodec = { compress(encoder: { buffer: Buffer }): Promise<Buffer>; decompress(buffer: Buffer): Promise<Buffer> };
const lz4js = requireCjs('lz4js') as { compress(b: Uint8Array): Uint8Array; decompress(b: Uint8Array): Uint8Array };
const codecs = kafkajs.CompressionCodecs as unknown as Record<number, () => KafkajsCodec>;
codecs[kafkajs.CompressionTypes.Snappy] = requireCjs('kafkajs-snappy') as () => KafkajsCodec;
codecs[kafkajs.CompressionTypes.LZ4] = () => ({
  async compress(encoder) { return Buffer.from(lz4js.compress(encoder.buffer)); },
  async decompress(buffer) { return Buffer.from(lz4js.decompress(buffer)); },
});
codecs[kafkajs.CompressionTypes.ZSTD] = () => ({
  async compress(encoder) { return zstdCompress(encoder.buffer); },
  async decompress(buffer) { return zstdDecompress(buffer); },
});

/** A kafkajs client for the cluster's running brokers, silent, with quick retries. */
export function kafkajsClient(cluster: RunningCluster, clientId = 'spec', extra: Partial<kafkajs.KafkaConfig> = {}): kafkajs.Kafka {
  return new kafkajs.Kafka({
    clientId,
    brokers: cluster.brokers.filter((b) => b.isRunning).map((b) => b.bootstrap),
    logLevel: kafkajs.logLevel.NOTHING,
    retry: { initialRetryTime: 100, retries: 8 },
    ...extra,
  });
}

export interface ReceivedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  headers: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

/**
 * Reads `count` messages of `topic` with a kafkajs group consumer (from the beginning), then
 * disconnects it. Fails when they do not all arrive within `timeoutMs`.
 */
export async function consumeWithGroup(kafka: kafkajs.Kafka, topic: string, count: number, groupId: string, timeoutMs = 30_000, config: Partial<kafkajs.ConsumerConfig> = {}): Promise<ReceivedMessage[]> {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1000, maxWaitTimeInMs: 200, ...config });
  const got: ReceivedMessage[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let resolveDone: () => void = () => undefined;
    const done = new Promise<void>((r) => (resolveDone = r));
    await consumer.run({
      eachMessage: async ({ topic: t, partition, message }) => {
        got.push({ topic: t, partition, offset: message.offset, key: message.key, value: message.value, timestamp: message.timestamp, headers: message.headers ?? {} });
        if (got.length >= count) resolveDone();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise<void>((_, reject) => (timer = setTimeout(() => reject(new Error(`received ${got.length} of ${count} messages of ${topic} within ${timeoutMs} ms`)), timeoutMs)))]);
    clearTimeout(timer);
    return got;
  } finally {
    await consumer.disconnect();
  }
}

/** A long-running child (kcat -G, a python consumer, a kafkajs member) whose stdout lines are collected. */
export interface BackgroundProcess {
  readonly child: ChildProcess;
  /** Complete stdout lines so far. */
  lines(): string[];
  stderr(): string;
  /** Sends `signal` and resolves with the exit code (SIGKILL after `timeoutMs`). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

export function startBackground(cmd: string, args: string[]): BackgroundProcess {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines: () => out.split('\n').slice(0, -1),
    stderr: () => err,
    stop: async (signal = 'SIGTERM', timeoutMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
