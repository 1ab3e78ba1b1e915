/**
 * A Jepsen-style fault campaign against a real kafkats cluster (`npm run test:faults -- --minutes N`;
 * `--help` for the options). Set-up: a real ZooKeeper and 3 broker processes, each broker in its own
 * network namespace when possible (else plain processes, said so), log dirs on small tmpfs mounts; a
 * topic with RF 3 and min.insync.replicas 2; an idempotent acks=all librdkafka producer and a group
 * of librdkafka consumers. Then faults one after another (nemeses.ts), each followed by the checks
 * every heal must pass (all brokers registered within 30 s, full ISRs within 60 s) while the
 * campaign watches for brokers that exit on their own. At the end everything is healed, the
 * workload drained and stopped, every replica read from disk, and the checker (checker.ts) runs.
 * A table goes to stdout, the JSON report to a file; the exit code is 1 on any violation.
 *
 * Leftovers of a run that was killed (namespaces, links, mounts, processes) are removed when the
 * next run starts; Ctrl-C cleans up at once.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCluster, type RunningCluster } from '../../lib/testing/cluster.js';
import { findFreePort } from '../../lib/testing/zookeeper-runner.js';
import { createTopic, request } from '../../spec/integration/support.js';
import { HelpRequested, parseOptions, USAGE, type CampaignOptions } from './campaign-options.js';
import { check, violations, type Finding, type PartitionEnd } from './checker.js';
import { ClusterObserver, registeredBrokers, type Registration } from './cluster-observer.js';
import type { FaultNetwork } from './fault-network.js';
import { LogDirs } from './log-dirs.js';
import { NEMESES, Random, type CampaignContext, type Fault, type Nemesis } from './nemeses.js';
import { namespacesUnavailable, NetworkNamespaces } from './network-namespaces.js';
import { ProxyNetwork } from './proxy-network.js';
import { readReplicaLog, type ReplicaLog } from './replica-logs.js';
import { formatReport, writeReport, type CampaignReport, type FaultRecord } from './report.js';
import { RunRegistry } from './run-registry.js';
import { Workload } from './workload.js';
import { ZooKeeperControl } from './zookeeper-control.js';

const BROKERS = [0, 1, 2];
const TOPIC = 'faults';
const GROUP = 'fault-readers';
const REGISTERED_WITHIN_MS = 30_000;
const FULL_ISR_WITHIN_MS = 60_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const stamp = (): string => new Date().toISOString().slice(11, 19);

class FaultCampaign {
  readonly runId = randomBytes(2).toString('hex');
  readonly runDir = path.join(os.tmpdir(), `kafkats-faults-${this.runId}`);
  readonly registry: RunRegistry;
  readonly random: Random;
  readonly faults: FaultRecord[] = [];
  readonly unregistered: Finding[] = [];
  readonly underReplicated: Finding[] = [];
  readonly crashes: Finding[] = [];
  readonly campaignErrors: string[] = [];
  readonly expectedDown = new Set<number>();
  readonly mayHalt = new Set<number>();
  private readonly seenExits = new WeakSet<object>();
  private readonly pendingSettles: Promise<void>[] = [];
  private current: FaultRecord | null = null;
  network: FaultNetwork | null = null;
  zookeeper: ZooKeeperControl | null = null;
  logDirs: LogDirs | null = null;
  cluster: RunningCluster | null = null;
  observer: ClusterObserver | null = null;
  workload: Workload | null = null;
  interrupted = false;
  tearingDown: Promise<void> | null = null;
  private monitor: NodeJS.Timeout | null = null;
  private readonly startedAt = Date.now();

  constructor(readonly o: CampaignOptions) {
    fs.mkdirSync(this.runDir, { recursive: true });
    this.registry = new RunRegistry(this.runId, this.runDir);
    this.random = new Random(o.seed);
  }

  log(message: string): void {
    process.stdout.write(`[faults ${stamp()}] ${message}\n`);
  }

  brokerLog(id: number): string {
    return path.join(this.runDir, `broker-${id}.log`);
  }

  // ---- set-up ---------------------------------------------------------------------------------

  async setUp(): Promise<void> {
    const why = this.o.netns ? namespacesUnavailable() : '--no-netns';
    this.network = why === null ? NetworkNamespaces.create(this.runId, BROKERS, this.registry) : await ProxyNetwork.create(BROKERS, why);
    for (const n of this.network.notes) this.log(n);
    this.logDirs = new LogDirs(this.runDir, BROKERS, this.o.diskMb, this.registry);
    this.log(this.logDirs.unavailable === null ? `log dirs on tmpfs mounts of ${this.o.diskMb} MB` : `log dirs on the ordinary file system: ${this.logDirs.unavailable}`);
    this.zookeeper = new ZooKeeperControl(this.network.zookeeperHost, await findFreePort(), path.join(this.runDir, 'zookeeper'), (pid) => this.registry.add('pids', pid));
    await this.zookeeper.start();
    this.log(`ZooKeeper serving at ${this.zookeeper.connectString}`);
    const network = this.network;
    const zkConnect = new Map<number, string>();
    for (const id of BROKERS) zkConnect.set(id, await network.brokerZookeeperConnect(id, this.zookeeper.port));
    this.cluster = await startCluster({
      brokers: BROKERS.length,
      zookeeper: this.zookeeper.connectString,
      dataDir: this.runDir,
      output: this.o.brokerOutput ? 'inherit' : 'buffer',
      startTimeoutMs: 120_000,
      overrides: {
        'zookeeper.session.timeout.ms': this.o.sessionTimeoutMs,
        'replica.lag.time.max.ms': this.o.replicaLagTimeMaxMs,
        'offsets.topic.num.partitions': 10,
        'log.segment.bytes': 4 * 1024 * 1024,
        'leader.imbalance.check.interval.seconds': 30,
        'controlled.shutdown.retry.backoff.ms': 500,
      },
      brokerOptions: (id) => ({
        host: network.brokerHost(id),
        port: network.brokerPort(id),
        logDir: this.logDirs!.dir(id),
        launcher: network.brokerLauncher(id),
        zookeeperConnect: zkConnect.get(id)!,
        outputFile: this.brokerLog(id),
      }),
      onProgress: (m) => this.log(m),
    });
    for (const b of this.cluster.brokers) if (b.pid !== undefined) this.registry.add('pids', b.pid);
    await createTopic(this.cluster, TOPIC, this.o.partitions, 3, { 'min.insync.replicas': '2' });
    this.log(`topic ${TOPIC}: ${this.o.partitions} partitions, RF 3, min.insync.replicas 2`);
    this.observer = new ClusterObserver(this.cluster.brokers, TOPIC);
    this.observer.start();
    this.workload = new Workload({
      bootstrap: this.cluster.bootstrapServers.join(','), topic: TOPIC, partitions: this.o.partitions, keys: 4 * this.o.partitions,
      ratePerSecond: this.o.ratePerSecond, group: GROUP, consumers: 2, runDir: this.runDir, onSpawn: (pid) => this.registry.add('pids', pid),
    });
    this.workload.start();
    this.monitor = setInterval(() => {
      for (const b of this.cluster?.brokers ?? []) this.noteExit(b.brokerId);
    }, 500);
    // Let the producer get going before the first fault (the consumers join their group meanwhile).
    if (!(await this.waitFor(async () => (this.workload?.acked.length ?? 0) > 0, 60_000))) throw new Error(`the producer got no acknowledgement within 60 s (see ${path.join(this.runDir, 'producer.out')}; exits: ${JSON.stringify(this.workload.unexpectedExits)})`);
    this.log(`workload running: ${this.o.ratePerSecond} records/s, idempotent acks=all producer, 2 group consumers`);
  }

  private async waitFor(cond: () => Promise<boolean>, timeoutMs: number, intervalMs = 500): Promise<boolean> {
    // The condition is checked at least once, even when the time is already up.
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await cond()) return true;
      if (Date.now() >= deadline || this.interrupted) return false;
      await sleep(intervalMs);
    }
  }

  // ---- broker exits ---------------------------------------------------------------------------

  /** Classifies a broker's exit once: a nemesis's kill, Kafka's halt on a full disk, or a crash. */
  noteExit(id: number): void {
    const b = this.cluster!.broker(id);
    const e = b.lastExit;
    if (e === null || b.isRunning || this.seenExits.has(e)) return;
    this.seenExits.add(e);
    if (this.expectedDown.has(id)) return;
    const output = b.recentOutput(300);
    const where = this.current === null ? 'outside any fault' : `during fault ${this.current.index} (${this.current.nemesis})`;
    if (this.mayHalt.has(id) && e.code === 1 && /all log dirs have failed/i.test(output)) {
      this.log(`  broker ${id} halted: all log dirs failed (Kafka's behaviour on a full disk)`);
      if (this.current !== null) this.current.details.halted = [...((this.current.details.halted as number[] | undefined) ?? []), id];
      return;
    }
    this.log(`  CRASH: broker ${id} exited (code ${String(e.code)}, signal ${String(e.signal)}) ${where}`);
    this.crashes.push({
      fault: this.current?.index ?? null, nemesis: this.current?.nemesis ?? null, brokers: [id], at: e.at,
      detail: `exit code ${String(e.code)}, signal ${String(e.signal)}, ${where}`, logTails: { [id]: b.recentOutput(80) },
    });
  }

  /** Starts a broker that is down (retrying once); a failed start is recorded as a crash. */
  async startBroker(id: number): Promise<void> {
    const b = this.cluster!.broker(id);
    this.noteExit(id);
    if (b.isRunning) return;
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        await b.start(120_000);
        if (b.pid !== undefined) this.registry.add('pids', b.pid);
        this.expectedDown.delete(id);
        return;
      } catch (err) {
        this.noteExit(id);
        this.crashes.push({
          fault: this.current?.index ?? null, nemesis: this.current?.nemesis ?? null, brokers: [id], at: Date.now(),
          detail: `start-up failed (attempt ${attempt}): ${(err as Error).message.split('\n')[0]}`, logTails: { [id]: b.recentOutput(80) },
        });
        this.log(`  broker ${id} failed to start (attempt ${attempt})`);
        await sleep(2000);
      }
    }
  }

  // ---- faults ---------------------------------------------------------------------------------

  context(): CampaignContext {
    return {
      brokers: this.cluster!.brokers,
      broker: (id) => this.cluster!.broker(id),
      network: this.network!,
      zookeeper: this.zookeeper!,
      logDirs: this.logDirs!,
      observer: this.observer!,
      random: this.random,
      sessionTimeoutMs: this.o.sessionTimeoutMs,
      replicaLagTimeMaxMs: this.o.replicaLagTimeMaxMs,
      expectedDown: this.expectedDown,
      mayHalt: this.mayHalt,
      startBroker: (id) => this.startBroker(id),
      log: (m) => this.log(m),
    };
  }

  available(): { nemeses: Nemesis[]; skipped: Array<{ nemesis: string; reason: string }> } {
    const ctx = this.context();
    const chosen = NEMESES.filter((n) => this.o.nemeses.includes(n.name));
    const skipped = chosen.map((n) => ({ nemesis: n.name, reason: n.unavailable(ctx) })).filter((s): s is { nemesis: string; reason: string } => s.reason !== null);
    return { nemeses: chosen.filter((n) => !skipped.some((s) => s.nemesis === n.name)), skipped };
  }

  async runFaults(nemeses: Nemesis[]): Promise<number> {
    const phaseStart = Date.now();
    const deadline = phaseStart + this.o.minutes * 60_000;
    let round: Nemesis[] = [];
    while (!this.interrupted && this.faults.length < this.o.faults && Date.now() < deadline) {
      if (round.length === 0) round = this.random.shuffle(nemeses);
      const nemesis = round.shift()!;
      await this.runFault(nemesis);
      if (!this.interrupted) await sleep(this.random.between(500, 1500));
    }
    return Date.now() - phaseStart;
  }

  private async runFault(nemesis: Nemesis): Promise<void> {
    const rec: FaultRecord = {
      index: this.faults.length + 1, nemesis: nemesis.name, description: '', targets: [], startedAt: Date.now(), holdMs: 0,
      healedAt: null, registeredAfterMs: null, fullIsrAfterMs: null, details: {}, repairs: [],
    };
    this.faults.push(rec);
    this.current = rec;
    const total = Number.isFinite(this.o.faults) ? `/${this.o.faults}` : '';
    let fault: Fault;
    try {
      fault = await nemesis.apply(this.context());
    } catch (err) {
      rec.error = `apply: ${(err as Error).message}`;
      this.campaignErrors.push(`fault ${rec.index} (${nemesis.name}) could not be applied: ${(err as Error).message}`);
      this.log(`[fault ${rec.index}${total}] ${nemesis.name}: could not be applied: ${(err as Error).message}`);
      await this.healEverything();
      await this.afterHeal(rec);
      return;
    }
    Object.assign(rec, { description: fault.description, targets: fault.targets, holdMs: fault.holdMs, details: fault.details });
    this.log(`[fault ${rec.index}${total}] ${nemesis.name}: ${fault.description}; healing in ${(fault.holdMs / 1000).toFixed(1)} s`);
    await sleep(fault.holdMs);
    try {
      await fault.heal();
    } catch (err) {
      rec.error = `heal: ${(err as Error).message}`;
      this.campaignErrors.push(`fault ${rec.index} (${nemesis.name}) could not be healed: ${(err as Error).message}`);
      await this.healEverything();
    }
    if (fault.settled !== undefined) this.pendingSettles.push(fault.settled);
    await this.afterHeal(rec);
  }

  /** Undoes every fault there may be: cuts, pauses, ballast, a stopped ZooKeeper, stopped brokers. */
  async healEverything(): Promise<void> {
    for (const id of BROKERS) {
      await this.network!.heal(id).catch(() => undefined);
      this.cluster!.broker(id).resume();
      this.observer!.suspects.delete(id);
    }
    this.logDirs!.freeAll();
    if (!this.zookeeper!.running) await this.zookeeper!.start();
    for (const id of BROKERS) if (!this.cluster!.broker(id).isRunning) await this.startBroker(id);
    this.mayHalt.clear();
  }

  private logTails(ids: number[]): Record<string, string> {
    return Object.fromEntries(ids.map((id) => [String(id), this.cluster!.broker(id).recentOutput(60)]));
  }

  /** What every heal must bring back: all brokers registered within 30 s, full ISRs within 60 s. */
  async afterHeal(rec: FaultRecord): Promise<void> {
    rec.healedAt = Date.now();
    const healedAt = rec.healedAt;
    for (const id of BROKERS) if (!this.cluster!.broker(id).isRunning) await this.startBroker(id);
    let missing: number[] = [];
    let seen: Registration | null = null;
    const registered = async (): Promise<boolean> => {
      seen = await registeredBrokers(this.zookeeper!.host, this.zookeeper!.port);
      const ids = seen?.registered ?? [];
      missing = BROKERS.filter((id) => !ids.includes(id));
      return missing.length === 0;
    };
    if (await this.waitFor(registered, REGISTERED_WITHIN_MS - (Date.now() - healedAt))) rec.registeredAfterMs = Date.now() - healedAt;
    else if (!this.interrupted) {
      const finding: Finding = {
        fault: rec.index, nemesis: rec.nemesis, brokers: missing, at: Date.now(),
        detail: seen === null ? `ZooKeeper did not answer ${REGISTERED_WITHIN_MS / 1000} s after the heal`
          : `brokers ${missing.join(',')} not registered ${REGISTERED_WITHIN_MS / 1000} s after the heal (/brokers/ids: ${JSON.stringify((seen as Registration).znodes)})`,
        logTails: this.logTails(missing),
      };
      this.unregistered.push(finding);
      this.log(`  VIOLATION: ${finding.detail}`);
      // Watch a minute longer (a late registration is still worth knowing), then restart the
      // brokers still missing so the campaign can go on; both are in the report.
      if (await this.waitFor(registered, 60_000)) {
        rec.registeredAfterMs = Date.now() - healedAt;
        finding.detail += `; registered ${(rec.registeredAfterMs / 1000).toFixed(1)} s after the heal`;
      } else {
        finding.detail += '; still missing 90 s after the heal: the campaign restarted them (kill -9, start)';
        for (const id of missing) {
          rec.repairs.push(id);
          this.expectedDown.add(id);
          await this.cluster!.broker(id).kill9();
          await this.startBroker(id);
        }
        if (await this.waitFor(registered, REGISTERED_WITHIN_MS)) rec.registeredAfterMs = Date.now() - healedAt;
      }
    }
    let lagging: unknown = 'no broker answered Metadata';
    const fullIsr = async (): Promise<boolean> => {
      const v = await this.observer!.topicView();
      if (v === null) return false;
      const bad = v.partitions.filter((p) => p.leader < 0 || p.isr.length < p.replicas.length);
      lagging = bad;
      return bad.length === 0;
    };
    // After a repair (brokers restarted by the campaign) the ISRs get their 60 s from the repair.
    const isrFrom = rec.repairs.length > 0 ? Date.now() : healedAt;
    if (await this.waitFor(fullIsr, FULL_ISR_WITHIN_MS - (Date.now() - isrFrom))) rec.fullIsrAfterMs = Date.now() - healedAt;
    else if (!this.interrupted) {
      const finding: Finding = {
        fault: rec.index, nemesis: rec.nemesis, brokers: BROKERS, at: Date.now(),
        detail: `partitions without a leader or a full ISR ${FULL_ISR_WITHIN_MS / 1000} s after the heal: ${JSON.stringify(lagging)}`, logTails: this.logTails(BROKERS),
      };
      this.underReplicated.push(finding);
      this.log(`  VIOLATION: ${finding.detail}`);
    }
    this.log(`  healed: registered after ${rec.registeredAfterMs === null ? '—' : (rec.registeredAfterMs / 1000).toFixed(1) + ' s'}, full ISR after ${rec.fullIsrAfterMs === null ? '—' : (rec.fullIsrAfterMs / 1000).toFixed(1) + ' s'}; ${this.workload!.acked.length} acked so far`);
    this.current = null;
  }

  // ---- the end --------------------------------------------------------------------------------

  /** Leader and high watermark of every partition (ListOffsets latest to the leader). */
  async partitionEnds(): Promise<Map<number, PartitionEnd>> {
    const ends = new Map<number, PartitionEnd>();
    await this.waitFor(async () => {
      const v = await this.observer!.topicView();
      if (v === null) return false;
      for (const p of v.partitions) {
        if (p.leader < 0 || ends.has(p.partition)) continue;
        try {
          const r = await request(this.cluster!.broker(p.leader).bootstrap, 2, 5, {
            replicaId: -1, isolationLevel: 0, topics: [{ name: TOPIC, partitions: [{ partitionIndex: p.partition, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 }] }],
          }, 5000);
          const res = r.topics[0]?.partitions[0];
          if (res !== undefined && res.errorCode === 0) ends.set(p.partition, { leader: p.leader, highWatermark: Number(res.offset) });
        } catch {
          /* again */
        }
      }
      return ends.size === v.partitions.length;
    }, 60_000);
    return ends;
  }

  readReplicas(ends: Map<number, PartitionEnd>): Map<number, ReplicaLog[]> {
    const replicas = new Map<number, ReplicaLog[]>();
    for (const p of ends.keys()) replicas.set(p, BROKERS.map((id) => readReplicaLog(this.logDirs!.dir(id), id, TOPIC, p)));
    return replicas;
  }

  async finish(faultPhaseMs: number, skipped: Array<{ nemesis: string; reason: string }>): Promise<CampaignReport> {
    this.log('final heal: every cut removed, ZooKeeper and every broker running');
    const final: FaultRecord = { index: this.faults.length + 1, nemesis: 'final-heal', description: 'end of the campaign: heal everything', targets: [], startedAt: Date.now(), holdMs: 0, healedAt: null, registeredAfterMs: null, fullIsrAfterMs: null, details: {}, repairs: [] };
    this.current = final;
    await this.healEverything();
    await this.afterHeal(final);
    const w = this.workload!;
    this.log('stopping the producer (flushes what is in flight)');
    const producer = await w.stopProducer();
    if (!producer.clean) this.campaignErrors.push('the producer did not finish its flush within 90 s (killed)');
    const ends = await this.partitionEnds();
    if (ends.size < this.o.partitions) this.campaignErrors.push(`high watermarks of only ${ends.size} of ${this.o.partitions} partitions could be read`);
    this.log(`high watermarks: ${[...ends].map(([p, e]) => `p${p}=${e.highWatermark}@${e.leader}`).join(' ')}; waiting for the consumers to read up to them`);
    const caughtUp = await this.waitFor(async () => {
      const max = w.maxReadOffsets();
      return [...ends].every(([p, e]) => e.highWatermark === 0 || (max.get(p) ?? -1) >= e.highWatermark - 1);
    }, 120_000, 1000);
    if (!caughtUp) this.campaignErrors.push(`the consumers did not reach the high watermarks within 120 s (read up to ${JSON.stringify([...w.maxReadOffsets()])})`);
    await w.stopConsumers();
    this.log('reading every replica from the brokers\' log dirs');
    let replicas = this.readReplicas(ends);
    // Followers may still be fetching the last batches: read again for up to 30 s while replicas differ.
    for (let i = 0; i < 6 && violations(check(this.checkInput(ends, replicas))).some((c) => c.name === 'replicas-differ'); i++) {
      await sleep(5000);
      replicas = this.readReplicas(ends);
    }
    await Promise.all(this.pendingSettles);
    const checks = check(this.checkInput(ends, replicas));
    const ok = violations(checks).length === 0 && this.campaignErrors.length === 0 && !this.interrupted;
    return this.report(faultPhaseMs, skipped, checks, ok, { producer: producer.summary });
  }

  checkInput(ends: Map<number, PartitionEnd>, replicas: Map<number, ReplicaLog[]>): Parameters<typeof check>[0] {
    const w = this.workload!;
    return {
      acked: w.acked, read: w.read, failed: w.failed.map((f) => f.value), ends, replicas,
      unregistered: this.unregistered, underReplicated: this.underReplicated, crashes: this.crashes,
      workloadDeaths: w.unexpectedExits,
      producerFatalErrors: w.fatalErrors,
      groupActivity: (partition, offset) => w.groupActivityAround(partition, offset),
      clientLog: (from, to) => w.idempotenceLog.filter((e) => e.at >= from && e.at <= to).map((e) => e.line).slice(-20),
      attribute: (partition, at) => ({
        leadershipAfter: (this.observer!.timeline.get(partition) ?? []).filter((t) => t.at >= at).slice(0, 6).map((t) => ({ ...t, at: new Date(t.at).toISOString() })),
        faults: this.faults.filter((f) => (f.healedAt ?? Infinity) + 60_000 >= at).slice(0, 2).map((f) => `${f.index} ${f.nemesis}: ${f.description} (${new Date(f.startedAt).toISOString()})`),
      }),
    };
  }

  /** The fault in progress at `at` (from its start to the end of its recovery), for attributions. */
  faultAt(at: number): string {
    const f = this.faults.find((x) => x.startedAt <= at && at <= (x.healedAt ?? Infinity) + (x.fullIsrAfterMs ?? x.registeredAfterMs ?? 0));
    return f === undefined ? 'between faults' : `${f.index} ${f.nemesis}`;
  }

  report(faultPhaseMs: number, skipped: Array<{ nemesis: string; reason: string }>, checks: CampaignReport['checks'], ok: boolean, extra: Record<string, unknown>): CampaignReport {
    const w = this.workload;
    return {
      command: `npm run test:faults -- ${process.argv.slice(2).join(' ')}`.trim(),
      startedAt: new Date(this.startedAt).toISOString(),
      endedAt: new Date().toISOString(),
      faultPhaseSeconds: Math.round(faultPhaseMs / 1000),
      totalSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      seed: this.o.seed,
      mode: this.network?.mode ?? 'processes',
      notes: this.network?.notes ?? [],
      skipped,
      config: { ...this.o, faults: Number.isFinite(this.o.faults) ? this.o.faults : null, brokers: BROKERS.length, topic: TOPIC, group: GROUP, machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}` },
      faults: this.faults,
      workload: {
        lastProducerSummary: extra.producer ?? null,
        acked: w?.acked.length ?? 0, failed: w?.failed.length ?? 0, failedByError: countBy(w?.failed.map((f) => f.error) ?? []),
        failedByFault: countBy(w?.failed.map((f) => this.faultAt(f.at)) ?? []),
        ackedWithoutOffset: w?.acked.filter((a) => a.offset < 0).length ?? 0,
        producerEpochBumps: w?.idempotenceLog.filter((e) => /bumped epoch/.test(e.line)).length ?? 0,
        fatalErrors: w?.fatalErrors.length ?? 0, read: w?.read.length ?? 0, consumers: 2, rebalances: w?.rebalances ?? 0,
        consumerErrors: countBy(w?.consumerErrors.map((e) => e.kind) ?? []), summaries: w?.summaries() ?? {},
      },
      checks,
      campaignErrors: this.campaignErrors,
      ok,
      interrupted: this.interrupted,
      runDir: this.runDir,
      runDirKept: !ok || this.o.keep,
      brokerLogs: Object.fromEntries(BROKERS.map((id) => [String(id), this.brokerLog(id)])),
      timeline: Object.fromEntries([...(this.observer?.timeline ?? new Map())].map(([p, list]) => [String(p), list])),
    };
  }

  /**
   * Stops everything this run started and removes what it created (also after a failure). With
   * `keepLogDirs` the brokers' segments and checkpoints are copied into the run directory first
   * (the tmpfs mounts go): `kafkats dump-log` reads them.
   */
  async tearDown(graceful: boolean, keepLogDirs = false): Promise<void> {
    if (this.monitor !== null) clearInterval(this.monitor);
    this.workload?.killAll();
    await this.observer?.stop();
    if (this.cluster !== null) {
      for (const b of this.cluster.brokers) b.resume();
      if (graceful) await this.cluster.stop().catch(() => undefined);
      for (const b of this.cluster.brokers) b.killNow();
    }
    if (keepLogDirs && this.logDirs !== null && this.logDirs.unavailable === null) {
      for (const id of BROKERS) {
        const to = path.join(this.runDir, `broker-${id}`, 'log-dir-at-end');
        // Segments and checkpoints; not the ballast, nor the (preallocated, sparse) indexes.
        fs.cpSync(this.logDirs.dir(id), to, { recursive: true, filter: (src) => path.basename(src) !== 'filler' && !/\.(time)?index$/.test(src) });
      }
      this.log(`log dirs copied to ${path.join(this.runDir, 'broker-<id>', 'log-dir-at-end')}`);
    }
    await this.zookeeper?.stop().catch(() => undefined);
    await this.network?.close().catch(() => undefined);
    this.registry.cleanup();
  }
}

function countBy(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

async function main(): Promise<number> {
  let o: CampaignOptions;
  try {
    o = parseOptions(process.argv.slice(2));
  } catch (err) {
    if (err instanceof HelpRequested) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  for (const line of RunRegistry.cleanLeftovers()) process.stdout.write(`[faults] cleaned a leftover of an earlier run: ${line}\n`);
  const c = new FaultCampaign(o);
  const reportFile = o.report ?? path.join(os.tmpdir(), `kafkats-faults-${c.runId}.json`);
  c.log(`run ${c.runId}, seed ${o.seed}, run directory ${c.runDir}`);
  // Ctrl-C: stop at once, clean up, and say so. The exit hook is the last resort (an exception).
  let cleaned = false;
  process.on('exit', () => {
    if (!cleaned) c.registry.cleanup();
  });
  const onSignal = (sig: NodeJS.Signals): void => {
    if (c.interrupted) return;
    c.interrupted = true;
    c.log(`${sig}: stopping the campaign and cleaning up`);
    c.tearingDown = c.tearDown(false).finally(() => {
      cleaned = true;
      process.exit(130);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let report: CampaignReport;
  try {
    await c.setUp();
    const { nemeses, skipped } = c.available();
    for (const s of skipped) c.log(`skipping ${s.nemesis}: ${s.reason}`);
    if (nemeses.length === 0) throw new Error('no nemesis can run here');
    c.log(`nemeses: ${nemeses.map((n) => n.name).join(', ')}; ${Number.isFinite(o.faults) ? `${o.faults} faults or ` : ''}${o.minutes} min`);
    const phase = await c.runFaults(nemeses);
    if (c.interrupted) {
      await c.tearingDown;
      return 130;
    }
    report = await c.finish(phase, skipped);
  } catch (err) {
    if (c.interrupted) {
      await c.tearingDown;
      return 130;
    }
    c.log(`campaign failed: ${(err as Error).stack ?? String(err)}`);
    c.campaignErrors.push(`campaign failed: ${(err as Error).message}`);
    report = c.report(0, [], [], false, {});
    report.runDirKept = true;
  }
  if (c.interrupted) {
    await c.tearingDown;
    return 130;
  }
  await c.tearDown(true, report.runDirKept);
  cleaned = true;
  writeReport(reportFile, report);
  if (!report.runDirKept) fs.rmSync(c.runDir, { recursive: true, force: true });
  process.stdout.write(formatReport(report) + '\n');
  process.stdout.write(`JSON report: ${reportFile}\n`);
  return report.ok ? 0 : 1;
}

main().then((code) => process.exit(code), (err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
