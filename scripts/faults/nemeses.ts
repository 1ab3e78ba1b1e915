/**
 * The fault campaign's nemeses. apply() injects a fault and returns how long to hold it and how to
 * heal it; the campaign then checks what every heal must bring back (all brokers registered in
 * ZooKeeper within 30 s, full ISRs within 60 s). Targets are chosen at the moment of the fault:
 * the leader of a random partition of the workload topic, or the controller.
 */
import type { BrokerProcess } from '../../lib/testing/broker-process.js';
import type { ClusterObserver, TopicView } from './cluster-observer.js';
import type { FaultNetwork } from './fault-network.js';
import type { LogDirs } from './log-dirs.js';
import type { ZooKeeperControl } from './zookeeper-control.js';

/** A small seeded generator (mulberry32), so a campaign can be replayed by its seed. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  shuffle<T>(items: readonly T[]): T[] {
    const a = [...items];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  }
}

export interface CampaignContext {
  brokers: BrokerProcess[];
  broker(id: number): BrokerProcess;
  network: FaultNetwork;
  zookeeper: ZooKeeperControl;
  logDirs: LogDirs;
  observer: ClusterObserver;
  random: Random;
  sessionTimeoutMs: number;
  replicaLagTimeMaxMs: number;
  /** Brokers a nemesis stopped on purpose (kill -9): their exit is not a crash. */
  expectedDown: Set<number>;
  /** Brokers whose log dir is full: a halt with "all log dirs have failed" is Kafka's behaviour, not a crash. */
  mayHalt: Set<number>;
  /** Starts a broker that is down (after noting how it ended). */
  startBroker(id: number): Promise<void>;
  log(message: string): void;
}

export interface Fault {
  targets: number[];
  description: string;
  holdMs: number;
  heal(): Promise<void>;
  /** Facts about the fault for the report (filled in further by heal() and `settled`). */
  details: Record<string, unknown>;
  /** Work that finishes after the heal (e.g. releasing silent connections); awaited at the end. */
  settled?: Promise<void>;
}

export interface Nemesis {
  name: string;
  /** Null when the nemesis can run here, else why not. */
  unavailable(ctx: CampaignContext): string | null;
  apply(ctx: CampaignContext): Promise<Fault>;
}

async function currentView(ctx: CampaignContext): Promise<TopicView> {
  for (let i = 0; i < 20; i++) {
    const v = await ctx.observer.topicView();
    if (v !== null && v.partitions.some((p) => p.leader >= 0)) return v;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('no broker answered Metadata with a leader for 10 s');
}

/** The leader of a random partition that has one. */
async function randomLeader(ctx: CampaignContext): Promise<{ id: number; why: string; view: TopicView }> {
  const view = await currentView(ctx);
  const p = ctx.random.pick(view.partitions.filter((x) => x.leader >= 0));
  return { id: p.leader, why: `leader of partition ${p.partition} (epoch ${p.leaderEpoch}, ISR ${p.isr.join(',')})`, view };
}

function killNemesis(name: string, choose: (ctx: CampaignContext) => Promise<{ id: number; why: string }>): Nemesis {
  return {
    name,
    unavailable: () => null,
    async apply(ctx) {
      const { id, why } = await choose(ctx);
      const b = ctx.broker(id);
      ctx.expectedDown.add(id);
      await b.kill9();
      return {
        targets: [id],
        description: `kill -9 broker ${id}, ${why}`,
        holdMs: ctx.random.between(1000, 3000),
        details: {},
        heal: async () => {
          await ctx.startBroker(id);
        },
      };
    },
  };
}

function pauseNemesis(): Nemesis {
  return {
    name: 'pause-leader',
    unavailable: () => null,
    async apply(ctx) {
      const { id, why } = await randomLeader(ctx);
      ctx.broker(id).pause();
      ctx.observer.suspects.add(id);
      return {
        targets: [id],
        description: `SIGSTOP broker ${id} past the session timeout, ${why}`,
        holdMs: ctx.sessionTimeoutMs + ctx.random.between(1000, 3000),
        details: {},
        heal: async () => {
          ctx.broker(id).resume();
          ctx.observer.suspects.delete(id);
        },
      };
    },
  };
}

function zookeeperRestart(): Nemesis {
  return {
    name: 'zookeeper-restart',
    unavailable: () => null,
    async apply(ctx) {
      const kill9 = ctx.random.next() < 0.5;
      await ctx.zookeeper.stop(kill9);
      return {
        targets: [],
        description: `ZooKeeper ${kill9 ? 'kill -9' : 'SIGTERM'}, then started again`,
        holdMs: ctx.random.between(1000, 4000),
        details: { kill9 },
        heal: () => ctx.zookeeper.start(),
      };
    },
  };
}

/**
 * ZooKeeper goes away and its port accepts connections that are never answered for longer than
 * the session timeout, then ZooKeeper starts again; the silent connections stay open until the
 * brokers' clients give up on them (released after 3 session timeouts, at least 45 s: past the 30 s in which brokers must be registered again).
 */
function zookeeperSilentRestart(): Nemesis {
  return {
    name: 'zookeeper-silent-restart',
    unavailable: () => null,
    async apply(ctx) {
      const kill9 = ctx.random.next() < 0.5;
      await ctx.zookeeper.stop(kill9);
      const window = await ctx.zookeeper.silentWindow();
      const details: Record<string, unknown> = { kill9 };
      const releaseAfterMs = Math.max(45_000, 3 * ctx.sessionTimeoutMs);
      let settled: Promise<void> | undefined;
      const fault: Fault = {
        targets: [],
        description: `ZooKeeper ${kill9 ? 'kill -9' : 'SIGTERM'}, its port accepts but never answers past the session timeout, then ZooKeeper starts again`,
        holdMs: ctx.sessionTimeoutMs + ctx.random.between(1000, 3000),
        details,
        heal: async () => {
          await window.closeListener();
          const zkBackAt = Date.now();
          await ctx.zookeeper.start();
          settled = window.release(releaseAfterMs).then(() => {
            details.silentConnections = window.connections.map((c) => ({
              broker: ctx.network.brokerAt(c.remoteAddress),
              from: `${c.remoteAddress}:${c.remotePort}`,
              bytesReceived: c.bytesReceived,
              heldMs: (c.closedByClientAt ?? c.releasedAt ?? Date.now()) - c.acceptedAt,
              closedBy: c.closedByClientAt !== null ? 'client' : `campaign, ${releaseAfterMs} ms after ZooKeeper was back`,
              openAfterZooKeeperBackMs: Math.max(0, (c.closedByClientAt ?? c.releasedAt ?? zkBackAt) - zkBackAt),
            }));
            const stuck = window.connections.filter((c) => c.closedByClientAt === null);
            if (stuck.length > 0) ctx.log(`  note: ${stuck.length} connection(s) to the silent ZooKeeper port were never dropped by their client (${stuck.map((c) => ctx.network.brokerAt(c.remoteAddress) ?? c.remoteAddress).join(', ')})`);
          });
          fault.settled = settled;
        },
      };
      return fault;
    },
  };
}

function cutNemesis(name: string, from: { zookeeper: boolean; brokers: boolean }): Nemesis {
  return {
    name,
    unavailable: (ctx) => (from.zookeeper ? ctx.network.cutUnavailable('zookeeper') : null) ?? (from.brokers ? ctx.network.cutUnavailable('brokers') : null),
    async apply(ctx) {
      const { id, why } = await randomLeader(ctx);
      const others = ctx.brokers.map((b) => b.brokerId).filter((x) => x !== id);
      if (from.zookeeper) await ctx.network.cutFromZooKeeper(id);
      if (from.brokers) await ctx.network.cutFromBrokers(id, others);
      ctx.observer.suspects.add(id);
      const what = [from.zookeeper ? 'ZooKeeper' : null, from.brokers ? `brokers ${others.join(',')}` : null].filter(Boolean).join(' and ');
      const base = from.zookeeper ? ctx.sessionTimeoutMs : ctx.replicaLagTimeMaxMs;
      return {
        targets: [id],
        description: `cut broker ${id} from ${what}, ${why}`,
        holdMs: base + ctx.random.between(2000, 4000),
        details: { mode: ctx.network.mode },
        heal: async () => {
          await ctx.network.heal(id);
          ctx.observer.suspects.delete(id);
        },
      };
    },
  };
}

function diskFull(): Nemesis {
  return {
    name: 'disk-full',
    unavailable: (ctx) => ctx.logDirs.unavailable,
    async apply(ctx) {
      const { id, why } = await randomLeader(ctx);
      ctx.mayHalt.add(id);
      ctx.observer.suspects.add(id);
      const filled = ctx.logDirs.fill(id);
      const details: Record<string, unknown> = { ballastBytes: filled, tmpfsMb: ctx.logDirs.sizeMb };
      return {
        targets: [id],
        description: `fill broker ${id}'s log dir (tmpfs ${ctx.logDirs.sizeMb} MB), ${why}`,
        holdMs: ctx.random.between(3000, 6000),
        details,
        heal: async () => {
          ctx.logDirs.free(id);
          details.haltedDuringFault = !ctx.broker(id).isRunning;
          if (!ctx.broker(id).isRunning) await ctx.startBroker(id);
          ctx.mayHalt.delete(id);
          ctx.observer.suspects.delete(id);
        },
      };
    },
  };
}

export const NEMESES: Nemesis[] = [
  killNemesis('kill-leader', randomLeader),
  killNemesis('kill-controller', async (ctx) => {
    const v = await currentView(ctx);
    if (v.controllerId < 0) return randomLeader(ctx);
    return { id: v.controllerId, why: 'the controller' };
  }),
  pauseNemesis(),
  zookeeperRestart(),
  zookeeperSilentRestart(),
  cutNemesis('cut-leader-zookeeper', { zookeeper: true, brokers: false }),
  cutNemesis('cut-leader-followers', { zookeeper: false, brokers: true }),
  cutNemesis('cut-leader-both', { zookeeper: true, brokers: true }),
  diskFull(),
];
