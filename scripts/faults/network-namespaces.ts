/**
 * Network namespaces for the fault campaign: each broker in its own namespace with a veth pair to
 * a bridge in the root namespace, addresses on a private /24 (the bridge is .1 and holds ZooKeeper,
 * the clients and the campaign; broker i is .(10+i)). A cut is a set of iptables DROP rules inside
 * the broker's namespace — by ZooKeeper's port for a cut from ZooKeeper (clients on the bridge keep
 * reaching the broker), by address for a cut from other brokers — so packets vanish as in a real
 * partition (no reset, connections hang) and healing flushes the namespace's rules.
 */
import fs from 'node:fs';
import type { FaultNetwork } from './fault-network.js';
import { mustRun, run, type RunRegistry } from './run-registry.js';

const BROKER_PORT = 9092;

/** Null when namespaces can be used, else why not. */
export function namespacesUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'network namespaces need root (the campaign runs as uid ' + String(process.getuid?.()) + ')';
  if (!run('ip', ['netns', 'list']).ok) return '`ip netns` is not available (install iproute2)';
  if (!run('iptables', ['-V']).ok) return '`iptables` is not installed (apt-get install -y iptables)';
  const probe = `kfc-probe-${process.pid}`;
  const added = run('ip', ['netns', 'add', probe]);
  if (!added.ok) return `cannot create a network namespace: ${added.out}`;
  const rules = run('ip', ['netns', 'exec', probe, 'iptables', '-S']);
  run('ip', ['netns', 'del', probe]);
  if (!rules.ok) return `iptables does not work inside a namespace: ${rules.out}`;
  return null;
}

/** A free 10.213.x.0/24 (x from the run id, the next one if taken). */
function chooseSubnet(runId: string): string {
  const used = run('ip', ['-o', '-4', 'addr', 'show']).out + run('ip', ['-4', 'route', 'show']).out;
  const start = parseInt(runId, 16) % 250;
  for (let i = 0; i < 250; i++) {
    const prefix = `10.213.${(start + i) % 250 + 1}`;
    if (!used.includes(`${prefix}.`)) return prefix;
  }
  throw new Error('no free 10.213.x.0/24 subnet for the campaign');
}

export class NetworkNamespaces implements FaultNetwork {
  readonly mode = 'netns' as const;
  readonly notes: string[] = [];
  readonly zookeeperHost: string;
  private readonly prefix: string;
  private readonly bridge: string;
  private zookeeperPort = 0;

  private constructor(
    private readonly runId: string,
    private readonly brokers: number[],
    private readonly registry: RunRegistry,
  ) {
    this.prefix = chooseSubnet(runId);
    this.zookeeperHost = `${this.prefix}.1`;
    this.bridge = `kfc${runId}`;
  }

  /** Creates the bridge and one namespace per broker. */
  static create(runId: string, brokers: number[], registry: RunRegistry): NetworkNamespaces {
    const n = new NetworkNamespaces(runId, brokers, registry);
    n.setUp();
    return n;
  }

  private namespace(id: number): string {
    return `kfc${this.runId}-b${id}`;
  }

  private setUp(): void {
    const br = this.bridge;
    this.registry.add('links', br);
    mustRun('ip', ['link', 'add', br, 'type', 'bridge']);
    mustRun('ip', ['addr', 'add', `${this.zookeeperHost}/24`, 'dev', br]);
    mustRun('ip', ['link', 'set', br, 'up']);
    // With br_netfilter loaded, bridged packets cross the root FORWARD chain: let ours through.
    if (fs.existsSync('/proc/sys/net/bridge/bridge-nf-call-iptables') && fs.readFileSync('/proc/sys/net/bridge/bridge-nf-call-iptables', 'utf8').trim() === '1') {
      const rule = ['FORWARD', '-i', br, '-o', br, '-j', 'ACCEPT', '-m', 'comment', '--comment', `kafkats-faults-${this.runId}`];
      this.registry.add('rootRules', ['-D', ...rule]);
      mustRun('iptables', ['-I', ...rule]);
      this.notes.push(`br_netfilter is on: added a root FORWARD ACCEPT rule for ${br}`);
    }
    for (const id of this.brokers) {
      const ns = this.namespace(id);
      const veth = `kfc${this.runId}b${id}`;
      this.registry.add('namespaces', ns);
      mustRun('ip', ['netns', 'add', ns]);
      this.registry.add('links', veth);
      mustRun('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
      mustRun('ip', ['link', 'set', veth, 'master', br]);
      mustRun('ip', ['link', 'set', veth, 'up']);
      mustRun('ip', ['netns', 'exec', ns, 'ip', 'addr', 'add', `${this.brokerHost(id)}/24`, 'dev', 'eth0']);
      mustRun('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'eth0', 'up']);
      mustRun('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
    }
    this.notes.push(`network namespaces ${this.brokers.map((id) => this.namespace(id)).join(', ')} on bridge ${br} (${this.prefix}.0/24; ZooKeeper and clients at ${this.zookeeperHost})`);
  }

  brokerHost(brokerId: number): string {
    return `${this.prefix}.${10 + brokerId}`;
  }

  brokerPort(): number {
    return BROKER_PORT;
  }

  brokerLauncher(brokerId: number): string[] {
    return ['ip', 'netns', 'exec', this.namespace(brokerId)];
  }

  async brokerZookeeperConnect(_brokerId: number, zookeeperPort: number): Promise<string> {
    this.zookeeperPort = zookeeperPort;
    return `${this.zookeeperHost}:${zookeeperPort}`;
  }

  cutUnavailable(): string | null {
    return null;
  }

  private iptables(brokerId: number, args: string[]): void {
    mustRun('ip', ['netns', 'exec', this.namespace(brokerId), 'iptables', '-w', ...args]);
  }

  async cutFromZooKeeper(brokerId: number): Promise<void> {
    const port = String(this.zookeeperPort);
    this.iptables(brokerId, ['-A', 'OUTPUT', '-p', 'tcp', '-d', this.zookeeperHost, '--dport', port, '-j', 'DROP']);
    this.iptables(brokerId, ['-A', 'INPUT', '-p', 'tcp', '-s', this.zookeeperHost, '--sport', port, '-j', 'DROP']);
  }

  async cutFromBrokers(brokerId: number, others: number[]): Promise<void> {
    for (const other of others) {
      this.iptables(brokerId, ['-A', 'OUTPUT', '-d', this.brokerHost(other), '-j', 'DROP']);
      this.iptables(brokerId, ['-A', 'INPUT', '-s', this.brokerHost(other), '-j', 'DROP']);
    }
  }

  async heal(brokerId: number): Promise<void> {
    this.iptables(brokerId, ['-F', 'INPUT']);
    this.iptables(brokerId, ['-F', 'OUTPUT']);
  }

  /** The broker whose namespace address is `address`, or null. */
  brokerAt(address: string): number | null {
    const a = address.replace(/^::ffff:/, '');
    return this.brokers.find((id) => this.brokerHost(id) === a) ?? null;
  }

  async close(): Promise<void> {
    for (const id of this.brokers) run('ip', ['netns', 'exec', this.namespace(id), 'iptables', '-F']);
    // The registry removes the namespaces, links and rules (also after a crash of this process).
  }
}
