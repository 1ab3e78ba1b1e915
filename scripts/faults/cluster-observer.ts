/**
 * What the fault campaign sees of the cluster, independently of the brokers' own ZooKeeper client:
 * - registeredBrokers(): the children of /brokers/ids whose owning session is connected, read over
 *   a fresh node-zookeeper-client connection with a hard time limit (a ZooKeeper that accepts but
 *   never answers costs one probe);
 * - topicView() / controllerId(): Metadata from the first broker that answers within a short time
 *   (brokers being faulted are asked last);
 * - a timeline of leaders, leader epochs and ISRs per partition, sampled every second, which the
 *   report uses to say which election came between an acknowledgement and a loss.
 */
import zookeeper from 'node-zookeeper-client';
import type { BrokerProcess } from '../../lib/testing/broker-process.js';
import { fourLetterWord } from '../../lib/testing/zookeeper-runner.js';
import { request } from '../../spec/integration/support.js';

export interface PartitionState {
  partition: number;
  leader: number;
  leaderEpoch: number;
  isr: number[];
  replicas: number[];
}

export interface TopicView {
  controllerId: number;
  /** The broker that answered. */
  from: number;
  partitions: PartitionState[];
}

export interface TimelineEntry extends PartitionState {
  at: number;
}

export interface Registration {
  /** Brokers whose /brokers/ids znode exists and whose owning session is connected to ZooKeeper. */
  registered: number[];
  /** Every /brokers/ids child with the session that owns it and whether that session is connected. */
  znodes: Array<{ broker: number; session: string; connected: boolean }>;
}

function child(client: zookeeper.Client, path: string): Promise<string[]> {
  return new Promise((resolve, reject) => client.getChildren(path, (err, children) => (err ? reject(err) : resolve(children))));
}

function owner(client: zookeeper.Client, path: string): Promise<string | null> {
  return new Promise((resolve, reject) => client.exists(path, (err, stat) => (err ? reject(err) : resolve(stat ? stat.ephemeralOwner.toString('hex').replace(/^0+/, '') : null))));
}

/**
 * Who is registered in /brokers/ids, over a fresh connection with a hard time limit (null when
 * ZooKeeper did not answer). A znode counts only while the session that owns it is connected to
 * ZooKeeper (four-letter word `cons`): the znode of a killed broker, or of a broker whose client
 * hangs on a dead connection, lingers until its session expires, and is not a registration.
 */
export function registeredBrokers(host: string, port: number, timeoutMs = 4000): Promise<Registration | null> {
  return new Promise((resolve) => {
    const client = zookeeper.createClient(`${host}:${port}`, { sessionTimeout: 10_000, spinDelay: 200, retries: 0 });
    let settled = false;
    const finish = (v: Registration | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      try {
        client.close();
      } catch {
        /* not connected */
      }
      resolve(v);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    client.once('connected', () => {
      void (async () => {
        let ids: number[];
        try {
          ids = (await child(client, '/brokers/ids')).map(Number).filter((n) => Number.isInteger(n)).sort((a, b) => a - b);
        } catch (err) {
          // NO_NODE: nothing registered yet.
          finish((err as { getCode?: () => number }).getCode?.() === zookeeper.Exception.NO_NODE ? { registered: [], znodes: [] } : null);
          return;
        }
        try {
          const owners = await Promise.all(ids.map((id) => owner(client, `/brokers/ids/${id}`)));
          const cons = await fourLetterWord(port, 'cons', 2000, host);
          if (cons === null) return finish(null);
          const connected = new Set([...cons.matchAll(/sid=0x([0-9a-f]+)/g)].map((m) => m[1]!.replace(/^0+/, '')));
          const znodes = ids.map((broker, i) => ({ broker, session: `0x${owners[i] ?? '?'}`, connected: owners[i] !== null && connected.has(owners[i]!) }));
          finish({ registered: znodes.filter((z) => z.connected).map((z) => z.broker), znodes });
        } catch {
          finish(null);
        }
      })();
    });
    client.connect();
  });
}

export class ClusterObserver {
  readonly timeline = new Map<number, TimelineEntry[]>();
  private polling: Promise<void> | null = null;
  private stopped = false;
  /** Brokers to ask last (being faulted: paused, cut, filling up). */
  readonly suspects = new Set<number>();

  constructor(
    private readonly brokers: BrokerProcess[],
    readonly topic: string,
  ) {}

  private candidates(): BrokerProcess[] {
    const running = this.brokers.filter((b) => b.isRunning && !b.isPaused);
    return [...running.filter((b) => !this.suspects.has(b.brokerId)), ...running.filter((b) => this.suspects.has(b.brokerId))];
  }

  /** The topic's partitions as the first answering broker sees them, or null if none answered. */
  async topicView(timeoutMs = 3000): Promise<TopicView | null> {
    for (const b of this.candidates()) {
      try {
        const m = await request(b.bootstrap, 3, 9, { topics: [{ name: this.topic }], allowAutoTopicCreation: false }, timeoutMs);
        const t = m.topics[0];
        if (t === undefined || t.errorCode !== 0) continue;
        return {
          controllerId: m.controllerId,
          from: b.brokerId,
          partitions: t.partitions.map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, leaderEpoch: p.leaderEpoch, isr: [...p.isrNodes].sort((x, y) => x - y), replicas: [...p.replicaNodes] }))
            .sort((x, y) => x.partition - y.partition),
        };
      } catch {
        /* next broker */
      }
    }
    return null;
  }

  /** Samples topicView() every `intervalMs` into the timeline until stop(). */
  start(intervalMs = 1000): void {
    this.polling ??= (async () => {
      while (!this.stopped) {
        const v = await this.topicView(2000);
        if (v !== null) this.record(v);
        await new Promise((r) => setTimeout(r, intervalMs));
      }
    })();
  }

  private record(v: TopicView): void {
    const at = Date.now();
    for (const p of v.partitions) {
      const list = this.timeline.get(p.partition) ?? [];
      const last = list[list.length - 1];
      if (last === undefined || last.leader !== p.leader || last.leaderEpoch !== p.leaderEpoch || last.isr.join() !== p.isr.join()) list.push({ at, ...p });
      this.timeline.set(p.partition, list);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.polling;
  }
}
