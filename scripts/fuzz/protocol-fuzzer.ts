/**
 * A protocol fuzzer against a real broker process. Many concurrent connections each send a burst
 * of hostile frames — seed requests (encoded by the codec for every api key and version, captured
 * from kafkajs, real produce batches, compression bombs) mutated, random api keys and versions,
 * lying size prefixes — and read what comes back; meanwhile thousands of idle connections stay
 * open, slow senders write valid requests one byte at a time, and some clients pipeline requests
 * and never read the answers. It watches the broker: the process must not exit, a real client
 * must keep getting answers (ApiVersions and Metadata every second, kafkajs at the end), its RSS
 * (sampled from /proc) must stay under queued.max.request.bytes + 300 MB, and no log line may
 * repeat more than a rate-limited line would.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import type { BrokerProcess } from '../../lib/testing/broker-process.js';
import { ApiKeys } from '../../lib/protocol/index.js';
import { levelValue } from '../../lib/utils/logger.js';
import { seededRandom, type Rng } from '../../spec/protocol/support/random-values.js';
import { bombCorpus, capturedCorpus, encodedCorpus, produceCorpus, type SeedRequest } from './corpus.js';
import { frame, mutate, pick, type LengthMode } from './mutations.js';

/**
 * Seeds never mutated (they are still sent as they are):
 * - requests only a controller sends (Kafka: ClusterAction), and AlterPartition (a broker's to its
 *   controller): a mutated epoch can make one current, and a broker obeys its controller;
 * - CreateTopics and CreatePartitions: a mutated count makes a valid request for thousands of
 *   partitions, which a broker carries out (each partition costs a log: ~60 KiB of memory and
 *   ~13 ms), a cost of the cluster's size rather than of the request's bytes.
 * Nor does a mutated header turn another request into one of these (a Produce body read as a
 * ControlledShutdown v0 of broker 0 is a valid request to shut that broker down).
 */
const NOT_MUTATED = new Set<number>([
  ApiKeys.LEADER_AND_ISR, ApiKeys.STOP_REPLICA, ApiKeys.UPDATE_METADATA, ApiKeys.CONTROLLED_SHUTDOWN,
  ApiKeys.WRITE_TXN_MARKERS, ApiKeys.ALTER_PARTITION, ApiKeys.CREATE_TOPICS, ApiKeys.CREATE_PARTITIONS,
]);

const MB = 1024 * 1024;

/** What one fuzz connection does, and how often (relative weights). */
export const BEHAVIOURS = {
  /** 1–8 pipelined seed requests, each mutated, the last one sometimes with a lying size prefix. */
  mutated: 80,
  /** A header with any api key and version, random body bytes. */
  'random-key': 6,
  /** One frame whose size prefix lies: negative, over the limit, huge and never sent, short, long. */
  'bad-length': 7,
  /** A produce of a gzip batch inflating past the decompression limit (honest or forged trailer). */
  'compression-bomb': 2,
  /** 200 pipelined requests whose answers are never read. */
  'never-read': 1,
  /** One seed request as it is. */
  valid: 4,
} as const;
export type Behaviour = keyof typeof BEHAVIOURS;

export interface FuzzOptions {
  broker: BrokerProcess;
  /** Frames to send in all. */
  frames: number;
  seed?: number;
  /** The broker's socket.request.max.bytes and queued.max.request.bytes (for lengths and the RSS bound). */
  maxRequestSize: number;
  queuedMaxRequestBytes: number;
  /** Port of the broker's /metrics, to sample its memory pool (optional). */
  metricsPort?: number;
  /** Connections sending fuzz frames at once (default 200). */
  concurrency?: number;
  /** Connections opened at the start and held idle until the end (default 2000). */
  idleConnections?: number;
  /** Clients writing valid requests one byte at a time, at once (default 8). */
  slowSenders?: number;
  /** What a compression bomb inflates to (default 1 GiB). */
  bombBytes?: number;
  /** Weights of the connection behaviours (0 leaves one out); see BEHAVIOURS for the defaults. */
  weights?: Partial<Record<Behaviour, number>>;
  topic?: string;
  onProgress?: (line: string) => void;
}

export interface TemplateCount { template: string; level: number; lines: number }

export interface FuzzReport {
  seed: number;
  durationMs: number;
  frames: { sent: number; answered: number; byKind: Record<string, number>; bySource: Record<string, number> };
  connections: { opened: number; closedByBroker: number; idleHeld: number; connectErrors: number };
  corpus: { encoded: number; captured: number; produce: number; bomb: number };
  broker: { running: boolean; rssStartBytes: number; rssMaxBytes: number; rssBoundBytes: number; memoryPoolUsedMaxBytes: number | null; eventLoopBlockMaxMs: number | null };
  liveness: { checks: number; failures: number; p50LatencyMs: number; p99LatencyMs: number; maxLatencyMs: number; finalKafkajs: string };
  /** The machine's load average (1, 5, 15 min) at the end: a shared machine slows everything down. */
  loadAverage: number[];
  /** Connections the kernel dropped during the run because an accept queue was full (machine-wide). */
  listenOverflows: number | null;
  log: { lines: number; maxLines: number; byLevel: Record<string, number>; maxLinesPerTemplate: number; top: TemplateCount[]; errorSamples: string[] };
  failures: string[];
  ok: boolean;
}

interface Counters {
  sent: number;
  answered: number;
  opened: number;
  closedByBroker: number;
  connectErrors: number;
  byKind: Map<string, number>;
  bySource: Map<string, number>;
}

function bump(m: Map<string, number>, k: string, n = 1): void {
  m.set(k, (m.get(k) ?? 0) + n);
}

/**
 * Connects, writes `bytes` (or hands the socket to `write`), counts the response frames, and
 * ends when the broker closes, `expected` answers came, nothing arrived for `idleMs`, or `capMs`
 * passed. The client side resets the connection (no TIME_WAIT left behind).
 */
function exchange(port: number, c: Counters, bytes: Buffer | ((s: net.Socket) => Promise<void>), expected: number, idleMs: number, capMs: number, read = true): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    c.opened++;
    let buf: Buffer = Buffer.alloc(0);
    let answered = 0;
    let done = false;
    let idle: NodeJS.Timeout | undefined;
    const finish = (byBroker: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(idle);
      clearTimeout(cap);
      if (byBroker) c.closedByBroker++;
      c.answered += answered;
      if (!s.destroyed) s.resetAndDestroy();
      resolve();
    };
    const cap = setTimeout(() => finish(false), capMs);
    const arm = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => finish(false), idleMs);
    };
    s.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED' || err.code === 'EADDRNOTAVAIL') c.connectErrors++;
      finish(true);
    });
    s.on('close', () => finish(true));
    if (read) {
      s.on('data', (d: Buffer) => {
        buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
        while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
          answered++;
          buf = buf.subarray(4 + buf.readInt32BE(0));
        }
        if (answered >= expected) finish(false);
        else arm();
      });
    } else {
      s.pause();
    }
    s.on('connect', () => {
      if (typeof bytes === 'function') {
        bytes(s).then(arm, () => finish(false));
      } else {
        s.write(bytes);
        arm();
      }
    });
  });
}

/**
 * The kernel's count of connections dropped because a listener's accept queue was full
 * (TcpExt ListenOverflows, machine-wide), or null where /proc/net/netstat is missing: when the
 * fuzzer opens connections faster than the broker accepts them, a new client waits in that queue.
 */
function listenOverflows(): number | null {
  try {
    const lines = fs.readFileSync('/proc/net/netstat', 'latin1').split('\n').filter((l) => l.startsWith('TcpExt:'));
    const names = lines[0]!.split(/\s+/);
    const values = lines[1]!.split(/\s+/);
    const i = names.indexOf('ListenOverflows');
    return i > 0 ? Number(values[i]) : null;
  } catch {
    return null;
  }
}

/** Lower-cased message with numbers and quoted names folded, to group repeats of one log line. */
function templateOf(msg: string): string {
  return msg.replace(/"[^"]*"|'[^']*'/g, '…').replace(/[0-9a-f]{8,}|\d+/gi, '#').slice(0, 140);
}

export async function runFuzz(o: FuzzOptions): Promise<FuzzReport> {
  const seed = o.seed ?? (Date.now() & 0x7fffffff);
  const rng: Rng = seededRandom(seed);
  const progress = o.onProgress ?? ((): void => undefined);
  const broker = o.broker;
  const port = broker.port;
  const bootstrap = `127.0.0.1:${port}`;
  const topic = o.topic ?? 'fuzz';
  const partitions = 3;
  const t0 = Date.now();

  // ---- corpus ----
  progress('building the corpus (codec-encoded requests, kafkajs capture, produce batches, bombs)');
  const captured = await capturedCorpus(bootstrap, topic, partitions);
  const encoded = encodedCorpus(rng);
  const produce = produceCorpus(topic, partitions);
  const bombs = await bombCorpus(topic, o.bombBytes ?? 1024 * MB);
  // Nor is a ControlledShutdown sent as it is: one naming the broker under test is a valid request to
  // shut it down (Kafka: ClusterAction, open to anyone without an authorizer), after which its
  // controller gives new partitions no live replica.
  const seeds: SeedRequest[] = [...encoded, ...captured, ...produce].filter((x) => x.apiKey !== ApiKeys.CONTROLLED_SHUTDOWN);
  // Mutations start from captured and produce requests as often as from encoded ones (never from NOT_MUTATED).
  const mutableEncoded = encoded.filter((x) => !NOT_MUTATED.has(x.apiKey));
  const mutableCaptured = captured.filter((x) => !NOT_MUTATED.has(x.apiKey));
  const mutationSeeds = (): SeedRequest => (rng() < 0.5 ? pick(rng, mutableEncoded) : pick(rng, rng() < 0.7 ? mutableCaptured : produce));
  const valid = [...captured.filter((x) => x.apiKey === ApiKeys.METADATA || x.apiKey === ApiKeys.API_VERSIONS), ...produce];
  progress(`corpus: ${encoded.length} encoded, ${captured.length} captured, ${produce.length} produce, ${bombs.length} bomb`);

  const c: Counters = { sent: 0, answered: 0, opened: 0, closedByBroker: 0, connectErrors: 0, byKind: new Map(), bySource: new Map() };
  const failures: string[] = [];

  // ---- watchers: RSS, memory pool, log lines, liveness ----
  const rssStart = broker.rssBytes() ?? 0;
  const overflowsStart = listenOverflows();
  let rssMax = rssStart;
  let poolMax: number | null = null;
  let loopBlockMax: number | null = null;
  const poolSamples: number[] = [];
  const rssTimer = setInterval(() => (rssMax = Math.max(rssMax, broker.rssBytes() ?? 0)), 100);
  const poolTimer = o.metricsPort === undefined ? undefined : setInterval(() => {
    fetch(`http://localhost:${o.metricsPort}/metrics`).then((r) => r.text()).then((text) => {
      const m = /^kafka_network_socketserver_memorypoolused(?:\{[^}]*\})? (\S+)/m.exec(text);
      if (m) poolMax = Math.max(poolMax ?? 0, Number(m[1]));
      if (m && process.env.FUZZ_DEBUG) poolSamples.push(Number(m[1]));
      const lag = /^nodejs_eventloop_lag_max_seconds(?:\{[^}]*\})? (\S+)/m.exec(text);
      if (lag) loopBlockMax = Math.max(loopBlockMax ?? 0, Number(lag[1]) * 1000);
    }, () => undefined);
  }, 250);
  const byLevel = new Map<string, number>();
  const templates = new Map<string, TemplateCount>();
  /** The first line of each kind at ERROR or above (unexpected failures: each one is a defect to look at). */
  const errorSamples = new Map<string, string>();
  let lines = 0;
  const unsubscribe = broker.onOutputLine((line) => {
    lines++;
    let level = 0;
    let msg = line;
    try {
      const j = JSON.parse(line) as { level?: unknown; msg?: string };
      level = levelValue(j.level) ?? 0;
      msg = j.msg ?? line;
    } catch {
      // not a JSON line (a crash trace, say): counted as it is
    }
    bump(byLevel, String(level));
    const t = templateOf(msg);
    if ((level >= 50 || level === 0) && errorSamples.size < 50) {
      let key = t;
      try {
        key += ` ${(JSON.parse(line) as { err?: { message?: string } }).err?.message ?? ''}`;
      } catch {
        // not JSON
      }
      if (!errorSamples.has(key)) errorSamples.set(key, line.slice(0, 3000));
    }
    const e = templates.get(t) ?? { template: t, level, lines: 0 };
    e.lines++;
    templates.set(t, e);
  });
  let livenessChecks = 0;
  let livenessFailures = 0;
  let maxLatency = 0;
  const latencies: number[] = [];
  // The real client runs in its own process: the fuzzer's own busy event loop cannot delay it.
  const livenessChild = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./liveness.ts', import.meta.url)), '127.0.0.1', String(port), topic, '1000', '10000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const livenessDone = new Promise<void>((resolve) => livenessChild.once('exit', () => resolve()));
  let livenessRest = '';
  livenessChild.stdout.setEncoding('utf8');
  livenessChild.stdout.on('data', (chunk: string) => {
    const parts = (livenessRest + chunk).split('\n');
    livenessRest = parts.pop() ?? '';
    for (const line of parts) {
      const r = JSON.parse(line) as { ok: boolean; ms: number; error?: string };
      maxLatency = Math.max(maxLatency, r.ms);
      latencies.push(r.ms);
      if (r.ok) {
        livenessChecks++;
      } else {
        livenessFailures++;
        if (livenessFailures <= 5) failures.push(`liveness check failed after ${((Date.now() - t0) / 1000).toFixed(1)} s: ${r.error ?? ''}`);
      }
    }
  });

  // ---- load: idle connections, slow senders, fuzz connections ----
  const idle: net.Socket[] = [];
  const idleTarget = o.idleConnections ?? 2000;
  for (let i = 0; i < idleTarget; i++) {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.on('error', () => undefined);
    idle.push(s);
    if (i % 200 === 199) await new Promise((r) => setTimeout(r, 20));
  }
  c.opened += idleTarget;
  progress(`${idleTarget} idle connections open; fuzzing ${o.frames} frames (seed ${seed})`);

  const take = (n: number): number => {
    const k = Math.min(n, o.frames - c.sent);
    c.sent += Math.max(0, k);
    return Math.max(0, k);
  };
  const maxRequestSize = o.maxRequestSize;

  const slow = async (): Promise<void> => {
    while (c.sent < o.frames) {
      if (take(1) === 0) return;
      bump(c.byKind, 'slow-sender');
      const seedReq = pick(rng, valid);
      const bytes = frame(rng, seedReq.payload, 'exact', maxRequestSize);
      await exchange(port, c, async (s) => {
        for (let i = 0; i < bytes.length && !s.destroyed; i++) {
          s.write(bytes.subarray(i, i + 1));
          await new Promise((r) => setTimeout(r, 1 + Math.floor(rng() * 4)));
        }
      }, 1, 3000, 60_000);
    }
  };

  const weights = Object.entries({ ...BEHAVIOURS, ...o.weights }).filter(([, w]) => w > 0) as Array<[Behaviour, number]>;
  const totalWeight = weights.reduce((n, [, w]) => n + w, 0);
  const chooseBehaviour = (): Behaviour => {
    let x = rng() * totalWeight;
    for (const [b, w] of weights) if ((x -= w) < 0) return b;
    return weights[weights.length - 1]![0];
  };

  const fuzzOne = async (): Promise<boolean> => {
    const behaviour = chooseBehaviour();
    if (behaviour === 'mutated') {
      const n = take(1 + Math.floor(rng() * 8));
      if (n === 0) return false;
      const parts: Buffer[] = [];
      for (let i = 0; i < n; i++) {
        const s = mutationSeeds();
        bump(c.bySource, s.source);
        const { payload, mutation } = mutate(rng, s.payload, NOT_MUTATED);
        bump(c.byKind, `mutated:${mutation}`);
        const lie: LengthMode = i === n - 1 && rng() < 0.05 ? pick(rng, ['short', 'long'] as const) : 'exact';
        parts.push(frame(rng, payload, lie, maxRequestSize));
      }
      await exchange(port, c, Buffer.concat(parts), n, 1000, 5000);
      return true;
    }
    const n = take(behaviour === 'never-read' ? 200 : 1);
    if (n === 0) return false;
    bump(c.byKind, behaviour, n);
    switch (behaviour) {
      case 'random-key': {
        const head = Buffer.allocUnsafe(10);
        head.writeInt16BE(Math.floor(rng() * 65536) - 32768, 0);
        head.writeInt16BE(Math.floor(rng() * 65536) - 32768, 2);
        head.writeInt32BE(Math.floor(rng() * 2 ** 31), 4);
        head.writeInt16BE(-1, 8);
        const body = Buffer.allocUnsafe(Math.floor(rng() * 200));
        for (let i = 0; i < body.length; i++) body[i] = Math.floor(rng() * 256);
        await exchange(port, c, frame(rng, Buffer.concat([head, body]), 'exact', maxRequestSize), 1, 1000, 5000);
        break;
      }
      case 'bad-length': {
        const mode = pick(rng, ['negative', 'over-limit', 'huge-unsent', 'short', 'long'] as const);
        bump(c.byKind, `bad-length:${mode}`);
        const bytes = frame(rng, mode === 'huge-unsent' ? Buffer.alloc(Math.floor(rng() * 64 * 1024)) : pick(rng, seeds).payload, mode, maxRequestSize);
        await exchange(port, c, bytes, 1, 300, 2000);
        break;
      }
      case 'compression-bomb':
        await exchange(port, c, frame(rng, pick(rng, bombs).payload, 'exact', maxRequestSize), 1, 10_000, 30_000);
        break;
      case 'never-read': {
        const parts: Buffer[] = [];
        for (let i = 0; i < n; i++) parts.push(frame(rng, pick(rng, valid).payload, 'exact', maxRequestSize));
        await exchange(port, c, Buffer.concat(parts), n, 2000, 2000, false);
        break;
      }
      case 'valid':
        await exchange(port, c, frame(rng, pick(rng, seeds).payload, 'exact', maxRequestSize), 1, 1000, 5000);
        break;
    }
    return true;
  };

  let lastReport = Date.now();
  const worker = async (): Promise<void> => {
    while (c.sent < o.frames && broker.isRunning) {
      if (!(await fuzzOne())) return;
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        progress(`${c.sent} frames sent, ${c.answered} answered, ${c.closedByBroker} connections closed by the broker, RSS max ${(rssMax / MB).toFixed(0)} MiB, liveness ${livenessChecks} ok / ${livenessFailures} failed`);
      }
    }
  };
  await Promise.all([
    ...Array.from({ length: o.concurrency ?? 200 }, () => worker()),
    ...Array.from({ length: o.slowSenders ?? 8 }, () => slow()),
  ]);

  // ---- wind down: the broker must still serve a real client ----
  for (const s of idle) s.resetAndDestroy();
  await new Promise((r) => setTimeout(r, 2000));
  livenessChild.kill();
  await livenessDone;
  let finalKafkajs = 'not run (broker exited)';
  if (broker.isRunning) {
    const kafka = new Kafka({ clientId: 'fuzz-final', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3 } });
    const producer = kafka.producer();
    const admin = kafka.admin();
    try {
      await producer.connect();
      await producer.send({ topic, messages: [{ key: 'after-fuzz', value: 'still serving' }] });
      await admin.connect();
      const offsets = await admin.fetchTopicOffsets(topic);
      finalKafkajs = `ok (${offsets.length} partitions of ${topic})`;
    } catch (err) {
      finalKafkajs = `failed: ${(err as Error).message}`;
      failures.push(`kafkajs could not produce after the fuzz run: ${(err as Error).message}`);
    } finally {
      await producer.disconnect().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
  }
  clearInterval(rssTimer);
  if (poolTimer) clearInterval(poolTimer);
  unsubscribe();
  if (process.env.FUZZ_DEBUG) progress(`memory pool samples (MiB): ${poolSamples.map((x) => (x / MB).toFixed(0)).join(' ')}`);

  // ---- verdict ----
  const durationMs = Date.now() - t0;
  const rssBound = o.queuedMaxRequestBytes + 300 * 1000 * 1000;
  const minutes = durationMs / 60_000;
  // A one-off burst is fine (creating __consumer_offsets logs 50 lines of each kind); a line per
  // bad request is not.
  const maxLinesPerTemplate = Math.ceil(100 + 20 * minutes);
  // Lines that follow from what the requests did (topics created and deleted …) grow with the run;
  // a line per bad frame would be hundreds of thousands.
  const maxLines = Math.ceil(1000 + o.frames / 200);
  const top = [...templates.values()].sort((a, b) => b.lines - a.lines).slice(0, 10);
  if (!broker.isRunning) failures.unshift(`the broker process exited:\n${broker.recentOutput(40)}`);
  if (rssMax > rssBound) failures.push(`broker RSS reached ${(rssMax / MB).toFixed(0)} MiB, over the bound of ${(rssBound / MB).toFixed(0)} MiB`);
  for (const t of top.filter((x) => x.lines > maxLinesPerTemplate)) failures.push(`log line repeated ${t.lines} times (bound ${maxLinesPerTemplate}): ${t.template}`);
  if (lines > maxLines) failures.push(`the broker logged ${lines} lines (bound ${maxLines})`);
  if (livenessFailures > 5) failures.push(`${livenessFailures} liveness checks failed in all`);
  return {
    seed,
    durationMs,
    frames: { sent: c.sent, answered: c.answered, byKind: Object.fromEntries(c.byKind), bySource: Object.fromEntries(c.bySource) },
    connections: { opened: c.opened, closedByBroker: c.closedByBroker, idleHeld: idleTarget, connectErrors: c.connectErrors },
    corpus: { encoded: encoded.length, captured: captured.length, produce: produce.length, bomb: bombs.length },
    broker: { running: broker.isRunning, rssStartBytes: rssStart, rssMaxBytes: rssMax, rssBoundBytes: rssBound, memoryPoolUsedMaxBytes: poolMax, eventLoopBlockMaxMs: loopBlockMax === null ? null : Math.round(loopBlockMax) },
    liveness: { checks: livenessChecks, failures: livenessFailures, p50LatencyMs: percentile(latencies, 0.5), p99LatencyMs: percentile(latencies, 0.99), maxLatencyMs: Math.round(maxLatency), finalKafkajs },
    loadAverage: os.loadavg().map((x) => Number(x.toFixed(1))),
    listenOverflows: overflowsStart === null ? null : (listenOverflows() ?? overflowsStart) - overflowsStart,
    log: { lines, maxLines, byLevel: Object.fromEntries(byLevel), maxLinesPerTemplate, top, errorSamples: [...errorSamples.values()] },
    failures,
    ok: failures.length === 0,
  };
}

function percentile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
}

/** The report as a plain-text table. */
export function formatReport(r: FuzzReport): string {
  const mib = (b: number): string => `${(b / MB).toFixed(0)} MiB`;
  const rows: Array<[string, string]> = [
    ['seed', String(r.seed)],
    ['duration', `${(r.durationMs / 1000).toFixed(1)} s`],
    ['frames sent / answered', `${r.frames.sent} / ${r.frames.answered}`],
    ['frames by kind', Object.entries(r.frames.byKind).sort().map(([k, v]) => `${k} ${v}`).join(', ')],
    ['mutated frames by seed source', Object.entries(r.frames.bySource).sort().map(([k, v]) => `${k} ${v}`).join(', ')],
    ['corpus', `${r.corpus.encoded} encoded, ${r.corpus.captured} captured (kafkajs), ${r.corpus.produce} produce, ${r.corpus.bomb} bomb`],
    ['connections opened / closed by broker', `${r.connections.opened} / ${r.connections.closedByBroker} (${r.connections.idleHeld} held idle, ${r.connections.connectErrors} connect errors)`],
    ['broker process', r.broker.running ? 'running (0 crashes)' : 'EXITED'],
    ['broker RSS start / max / bound', `${mib(r.broker.rssStartBytes)} / ${mib(r.broker.rssMaxBytes)} / ${mib(r.broker.rssBoundBytes)}`],
    ['memory pool in use, max', r.broker.memoryPoolUsedMaxBytes === null ? 'not sampled' : mib(r.broker.memoryPoolUsedMaxBytes)],
    ['broker event-loop block, max', r.broker.eventLoopBlockMaxMs === null ? 'not sampled' : `${r.broker.eventLoopBlockMaxMs} ms`],
    ['liveness (ApiVersions + Metadata each second)', `${r.liveness.checks} ok, ${r.liveness.failures} failed (10 s timeout); p50 ${r.liveness.p50LatencyMs} ms, p99 ${r.liveness.p99LatencyMs} ms, max ${r.liveness.maxLatencyMs} ms`],
    ['kafkajs produce after the run', r.liveness.finalKafkajs],
    ['broker log lines (by pino level)', `${r.log.lines}, bound ${r.log.maxLines} (${Object.entries(r.log.byLevel).map(([k, v]) => `${k}: ${v}`).join(', ')}); most repeated line: ${r.log.top[0]?.lines ?? 0} times, bound ${r.log.maxLinesPerTemplate}`],
    ['machine load average (1/5/15 min)', r.loadAverage.join(' / ')],
    ['accept-queue overflows during the run (kernel, machine-wide)', r.listenOverflows === null ? 'not read' : String(r.listenOverflows)],
    ['verdict', r.ok ? 'PASS' : `FAIL: ${r.failures.join('; ')}`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)} | ${v}`).join('\n');
}
