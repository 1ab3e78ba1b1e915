/**
 * kafkats' programmatic API.
 *
 * For Node test suites — a real Kafka-protocol cluster without Docker or a JVM broker:
 *
 *   import { startCluster } from 'kafkats';
 *   const cluster = await startCluster({ brokers: 3 });   // ZooKeeper + 3 broker processes, temp dirs
 *   const kafka = new Kafka({ brokers: cluster.bootstrapServers });
 *   …
 *   await cluster.stop();                                  // brokers (controller last), ZooKeeper, temp dirs
 *
 * Start time, measured on a shared 2-core machine (Node 20, ZooKeeper 3.8 from the Debian
 * package, load average ~3 from other work): `startCluster({ brokers: 3 })` resolved in 0.9–2.2 s
 * over 6 runs (typically ~1 s: ZooKeeper ~0.35 s, the brokers in parallel ~0.7 s, then ~0.1 s until
 * all agree on a controller); `startCluster({ brokers: 1 })` in 0.6–1.8 s; `stop()` in 0.35–0.45 s
 * (brokers other than the controller first, then the controller, then ZooKeeper). Each broker is a
 * separate `kafkats server-start` process, so the package must be built (`npm run build`).
 * Options: `zookeeper` (use an existing `host:port/chroot` instead of starting one), `basePort`,
 * `dataDir`, `overrides` (server.properties keys for every broker), `brokerOverrides(id)`,
 * `output: 'inherit'` (print broker logs), `startTimeoutMs`, `onProgress`.
 *
 * For embedding one broker in-process: `new KafkaServer(KafkaConfig.fromProps({...}))`,
 * `await server.startup()`, `await server.shutdown()`.
 *
 * For kafkajs producers: `Md5Partitioner` (kafkajs' `createPartitioner` option) puts a keyed
 * record on `md5(key)[0..4] mod partitions`.
 */
export { KafkaServer, type BrokerState } from './server/kafka-server.js';
export { KafkaConfig, type KafkaConfigOptions, type ConfigOrigin } from './config/kafka-config.js';
export { ConfigError } from './config/config-def.js';
export { LogConfig } from './config/log-config.js';
export {
  startCluster,
  fetchClusterMetadata,
  type ClusterOptions,
  type RunningCluster,
  type ClusterMetadata,
} from './testing/cluster.js';
export { BrokerProcess, type BrokerProcessOptions } from './testing/broker-process.js';
export {
  startZooKeeper,
  findZooKeeper,
  ZooKeeperNotInstalledError,
  ZooKeeperStartError,
  type StartZooKeeperOptions,
  type RunningZooKeeper,
} from './testing/zookeeper-runner.js';
export {
  Md5Partitioner,
  md5Partition,
  md5KeyHash,
  type Partitioner,
  type PartitionerArgs,
  type PartitionerPartitionMetadata,
} from './client/partitioners.js';
export { ApiError, errorForCode } from './protocol/errors.js';
