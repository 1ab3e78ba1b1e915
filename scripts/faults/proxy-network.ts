/**
 * The processes-only network of the fault campaign (no root, no `ip netns`, or --no-netns): every
 * process on 127.0.0.1, each broker reaching ZooKeeper through its own TCP proxy (lib/testing), so a
 * cut from ZooKeeper drops and refuses that broker's connections. Brokers talk to each other
 * directly, so cuts between brokers are not possible here.
 */
import { findFreePort } from '../../lib/testing/zookeeper-runner.js';
import { startTcpProxy, type TcpProxy } from '../../lib/testing/tcp-proxy.js';
import type { FaultNetwork } from './fault-network.js';

export class ProxyNetwork implements FaultNetwork {
  readonly mode = 'processes' as const;
  readonly notes: string[];
  readonly zookeeperHost = '127.0.0.1';
  private readonly proxies = new Map<number, TcpProxy>();

  private constructor(private readonly ports: Map<number, number>, why: string) {
    this.notes = [`processes-only mode (${why}): brokers on 127.0.0.1, cuts from ZooKeeper through a TCP proxy per broker, no cuts between brokers`];
  }

  static async create(brokers: number[], why: string): Promise<ProxyNetwork> {
    const ports = new Map<number, number>();
    for (const id of brokers) ports.set(id, await findFreePort());
    return new ProxyNetwork(ports, why);
  }

  brokerHost(): string {
    return '127.0.0.1';
  }

  brokerPort(brokerId: number): number {
    return this.ports.get(brokerId)!;
  }

  brokerLauncher(): undefined {
    return undefined;
  }

  async brokerZookeeperConnect(brokerId: number, zookeeperPort: number): Promise<string> {
    let proxy = this.proxies.get(brokerId);
    if (proxy === undefined) {
      proxy = await startTcpProxy(zookeeperPort);
      this.proxies.set(brokerId, proxy);
    }
    return `127.0.0.1:${proxy.port}`;
  }

  cutUnavailable(kind: 'zookeeper' | 'brokers'): string | null {
    return kind === 'brokers' ? 'cuts between brokers need network namespaces (run as root with iproute2 and iptables, without --no-netns)' : null;
  }

  async cutFromZooKeeper(brokerId: number): Promise<void> {
    this.proxies.get(brokerId)?.partition();
  }

  async cutFromBrokers(): Promise<void> {
    throw new Error(this.cutUnavailable('brokers')!);
  }

  async heal(brokerId: number): Promise<void> {
    this.proxies.get(brokerId)?.heal();
  }

  brokerAt(): number | null {
    return null;
  }

  async close(): Promise<void> {
    for (const p of this.proxies.values()) await p.close();
  }
}
