/**
 * The fault campaign's workload: one librdkafka idempotent acks=all producer and a group of
 * librdkafka consumers (confluent-kafka-python at /usr/bin/python3, scripts beside this file), whose
 * event lines are parsed as they arrive and also kept in files of the run directory. A workload
 * process that exits on its own is recorded (with its stderr) and started again; a restarted producer
 * writes under a new generation prefix, so every value stays unique.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const PYTHON = '/usr/bin/python3';
const HERE = import.meta.dirname;

export interface AckedRecord { partition: number; offset: number; value: string; at: number }
export interface ReadRecord { partition: number; offset: number; value: string; at: number; consumer: number }
export interface WorkloadEvent { at: number; process: string; kind: string; detail: string }
/** An offset commit a consumer made (K) or the committed offsets it found on assignment (C). */
export interface GroupOffsets { at: number; consumer: number; kind: 'commit' | 'assigned'; error: string; offsets: Map<number, number> }

export interface WorkloadOptions {
  bootstrap: string;
  topic: string;
  partitions: number;
  keys: number;
  ratePerSecond: number;
  group: string;
  consumers: number;
  runDir: string;
  /** Called with the pid of every workload process started (for the run's cleanup). */
  onSpawn?: (pid: number) => void;
}

interface Member {
  name: string;
  args: () => string[];
  child: ChildProcess | null;
  exited: Promise<void>;
  stopping: boolean;
  stderr: string;
  summary: Record<string, number> | null;
  out: fs.WriteStream;
  err: fs.WriteStream;
  onLine: (line: string) => void;
}

/** A value the producer wrote: generation, key, sequence per key. */
export function parseValue(value: string): { generation: number; key: number; seq: number } | null {
  const m = /^p(\d+)-k(\d+):(\d+)$/.exec(value);
  return m === null ? null : { generation: Number(m[1]), key: Number(m[2]), seq: Number(m[3]) };
}

export class Workload {
  readonly acked: AckedRecord[] = [];
  readonly failed: Array<{ value: string; error: string; at: number }> = [];
  readonly fatalErrors: WorkloadEvent[] = [];
  readonly read: ReadRecord[] = [];
  readonly consumerErrors: WorkloadEvent[] = [];
  readonly unexpectedExits: WorkloadEvent[] = [];
  readonly groupOffsets: GroupOffsets[] = [];
  /** librdkafka's idempotence events from the producer's debug output (sequence errors, epoch bumps, fatal errors). */
  readonly idempotenceLog: Array<{ at: number; line: string }> = [];
  rebalances = 0;
  private generation = 0;
  private readonly members: Member[] = [];

  constructor(private readonly o: WorkloadOptions) {}

  start(): void {
    const producer = this.member('producer', () => [path.join(HERE, 'workload-producer.py'), this.o.bootstrap, this.o.topic, String(this.o.partitions), String(this.o.keys), String(this.o.ratePerSecond), String(this.generation++), this.o.runDir], (line) => this.onProducerLine(line));
    this.spawn(producer);
    for (let i = 0; i < this.o.consumers; i++) {
      const m = this.member(`consumer-${i}`, () => [path.join(HERE, 'workload-consumer.py'), this.o.bootstrap, this.o.topic, this.o.group, this.o.runDir], (line) => this.onConsumerLine(i, line));
      this.spawn(m);
    }
  }

  private member(name: string, args: () => string[], onLine: (line: string) => void): Member {
    const m: Member = { name, args, child: null, exited: Promise.resolve(), stopping: false, stderr: '', summary: null, out: fs.createWriteStream(path.join(this.o.runDir, `${name}.out`), { flags: 'a' }), err: fs.createWriteStream(path.join(this.o.runDir, `${name}.err`), { flags: 'a' }), onLine };
    this.members.push(m);
    return m;
  }

  private spawn(m: Member): void {
    const child = spawn(PYTHON, ['-u', ...m.args()], { stdio: ['ignore', 'pipe', 'pipe'] });
    m.child = child;
    if (child.pid !== undefined) this.o.onSpawn?.(child.pid);
    let rest = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      m.out.write(chunk);
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) m.onLine(l);
    });
    child.stderr!.setEncoding('utf8');
    let errRest = '';
    child.stderr!.on('data', (chunk: string) => {
      m.err.write(chunk);
      m.stderr = (m.stderr + chunk).slice(-4000);
      if (m.name !== 'producer') return;
      const lines = (errRest + chunk).split('\n');
      errRest = lines.pop() ?? '';
      for (const l of lines) {
        // %7|<seconds>|FACILITY|…
        const f = /^%\d\|(\d+\.\d+)\|(ERRSEQ|FATAL|IDEMPSTATE|NEWPID)\|/.exec(l) ?? (/epoch bump|bumped epoch/.test(l) ? /^%\d\|(\d+\.\d+)\|/.exec(l) : null);
        if (f !== null) this.idempotenceLog.push({ at: Math.round(Number(f[1]) * 1000), line: l.slice(0, 600) });
      }
    });
    m.exited = new Promise((resolve) => child.once('close', (code, signal) => {
      if (rest !== '') m.onLine(rest);
      rest = '';
      if (!m.stopping) {
        this.unexpectedExits.push({ at: Date.now(), process: m.name, kind: 'exit', detail: `code ${String(code)} signal ${String(signal)}; stderr: ${m.stderr.slice(-1500)}` });
        // Keep the workload going: the producer continues under a new generation.
        setTimeout(() => {
          if (!m.stopping) this.spawn(m);
        }, 1000).unref();
      }
      resolve();
    }));
  }

  private onProducerLine(line: string): void {
    const f = line.split(' ');
    const at = Number(f[1]);
    switch (f[0]) {
      case 'A':
        this.acked.push({ at, partition: Number(f[2]), offset: Number(f[3]), value: f[4]! });
        break;
      case 'X':
        this.failed.push({ at, value: f[2]!, error: `${f[3] ?? '?'} (${f[4] ?? '?'})` });
        break;
      case 'F':
        this.fatalErrors.push({ at, process: 'producer', kind: f[2] ?? '?', detail: f.slice(3).join(' ') });
        break;
      case 'S':
        this.members[0]!.summary = JSON.parse(line.slice(2)) as Record<string, number>;
        break;
      default:
    }
  }

  private onConsumerLine(consumer: number, line: string): void {
    const f = line.split(' ');
    const at = Number(f[1]);
    switch (f[0]) {
      case 'R':
        this.read.push({ at, consumer, partition: Number(f[2]), offset: Number(f[3]), value: f[4]! });
        break;
      case 'G':
        this.rebalances++;
        break;
      case 'C':
      case 'K': {
        const list = f[0] === 'C' ? f[2] : f[3];
        const offsets = new Map((list ?? '').split(',').filter((x) => x.includes(':')).map((x) => x.split(':').map(Number) as [number, number]));
        this.groupOffsets.push({ at, consumer, kind: f[0] === 'C' ? 'assigned' : 'commit', error: f[0] === 'C' ? (list === '?' ? f.slice(3).join(' ') : 'NONE') : f[2] ?? '?', offsets });
        break;
      }
      case 'E':
        this.consumerErrors.push({ at, process: `consumer-${consumer}`, kind: f[2] ?? '?', detail: f.slice(3).join(' ') });
        break;
      case 'S':
        this.members[consumer + 1]!.summary = JSON.parse(line.slice(2)) as Record<string, number>;
        break;
      default:
    }
  }

  /**
   * What the group did around `offset` of `partition`: each consumer's last read below it and
   * first read above it, and the commits and assignment-time committed offsets near it — enough to
   * tell a record the client skipped from an offset the broker moved.
   */
  groupActivityAround(partition: number, offset: number): Record<string, unknown> {
    const reads = this.read.filter((r) => r.partition === partition);
    const perConsumer = [...new Set(reads.map((r) => r.consumer))].map((c) => {
      const mine = reads.filter((r) => r.consumer === c);
      const before = mine.filter((r) => r.offset < offset).at(-1);
      const after = mine.find((r) => r.offset > offset);
      return { consumer: c, lastReadBelow: before && { offset: before.offset, at: new Date(before.at).toISOString() }, firstReadAbove: after && { offset: after.offset, at: new Date(after.at).toISOString() } };
    });
    const near = this.groupOffsets
      .filter((g) => g.offsets.has(partition) && Math.abs(g.offsets.get(partition)! - offset) <= 100)
      .map((g) => ({ at: new Date(g.at).toISOString(), consumer: g.consumer, kind: g.kind, error: g.error, offset: g.offsets.get(partition) }));
    return { perConsumer, commitsAndAssignments: near };
  }

  /** The highest offset read per partition. */
  maxReadOffsets(): Map<number, number> {
    const max = new Map<number, number>();
    for (const r of this.read) if ((max.get(r.partition) ?? -1) < r.offset) max.set(r.partition, r.offset);
    return max;
  }

  private async stopMember(m: Member, timeoutMs: number): Promise<boolean> {
    m.stopping = true;
    const child = m.child;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return true;
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const clean = await Promise.race([m.exited.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs)))]);
    clearTimeout(timer);
    if (!clean) {
      child.kill('SIGKILL');
      await m.exited;
    }
    m.out.end();
    m.err.end();
    return clean;
  }

  /** SIGTERM: the producer stops sending and flushes (delivery reports of everything in flight). */
  async stopProducer(timeoutMs = 90_000): Promise<{ clean: boolean; summary: Record<string, number> | null }> {
    const m = this.members[0]!;
    const clean = await this.stopMember(m, timeoutMs);
    return { clean, summary: m.summary };
  }

  async stopConsumers(timeoutMs = 30_000): Promise<boolean[]> {
    return Promise.all(this.members.slice(1).map((m) => this.stopMember(m, timeoutMs)));
  }

  /** Kills every workload process at once (cleanup after a failure). */
  killAll(): void {
    for (const m of this.members) {
      m.stopping = true;
      m.child?.kill('SIGKILL');
    }
  }

  summaries(): Record<string, Record<string, number> | null> {
    return Object.fromEntries(this.members.map((m) => [m.name, m.summary]));
  }
}
