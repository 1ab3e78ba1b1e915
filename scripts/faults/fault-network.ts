/**
 * The network of a fault campaign: where ZooKeeper and each broker listen, how a broker is
 * launched, and the cuts the nemeses make. Two implementations: network namespaces (one per broker,
 * veth pairs to a bridge, iptables DROP rules) when the campaign runs as root with `ip netns` and
 * `iptables`, else plain processes on 127.0.0.1 where a broker is cut from ZooKeeper by a TCP proxy
 * and cuts between brokers are not possible (those nemeses are skipped, with the reason printed).
 */
export interface FaultNetwork {
  readonly mode: 'netns' | 'processes';
  /** Why some cuts are unavailable, or how the network was chosen (printed at start, in the report). */
  readonly notes: string[];
  /** The address ZooKeeper's client port binds to. */
  readonly zookeeperHost: string;
  brokerHost(brokerId: number): string;
  brokerPort(brokerId: number): number;
  /** The command a broker runs under (`ip netns exec …`), if any. */
  brokerLauncher(brokerId: number): string[] | undefined;
  /** The zookeeper.connect of one broker (its own proxy in processes mode). */
  brokerZookeeperConnect(brokerId: number, zookeeperPort: number): Promise<string>;
  /** Null when the cut is possible, else the reason it is not. */
  cutUnavailable(kind: 'zookeeper' | 'brokers'): string | null;
  /** Drops every packet between the broker and ZooKeeper (both ways) until heal(). */
  cutFromZooKeeper(brokerId: number): Promise<void>;
  /** Drops every packet between the broker and each of `others` (both ways) until heal(). */
  cutFromBrokers(brokerId: number, others: number[]): Promise<void>;
  /** The broker a connection from `address` comes from, when addresses tell brokers apart. */
  brokerAt(address: string): number | null;
  /** Removes every cut of the broker. */
  heal(brokerId: number): Promise<void>;
  /** Removes every cut, then everything this network created. */
  close(): Promise<void>;
}
