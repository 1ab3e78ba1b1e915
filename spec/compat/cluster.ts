/**
 * The one cluster every compat module runs against: 3 kafkats broker processes on their own real
 * ZooKeeper, started by the first module that needs it and stopped by a root-level after-all hook
 * once the whole run is over. Its own ZooKeeper (not the run's shared one) makes the stop order
 * independent of other root hooks.
 */
import { startCluster, type RunningCluster } from '../../lib/testing/cluster.js';
import { createTopic as createTopicOn } from '../integration/support.js';

let cluster: Promise<RunningCluster> | null = null;
/** Modules (describe blocks) that use the cluster and have not finished yet. */
let users = 0;

/** The broker settings of the compat cluster: Kafka's defaults except what keeps the run quick. */
export const COMPAT_OVERRIDES = {
  'group.initial.rebalance.delay.ms': 0,
  'offsets.topic.num.partitions': 6,
  'transaction.state.log.num.partitions': 6,
  'transaction.state.log.min.isr': 2,
};

export function compatCluster(): Promise<RunningCluster> {
  cluster ??= startCluster({ brokers: 3, overrides: COMPAT_OVERRIDES, startTimeoutMs: 90_000 }).catch((err: unknown) => {
    cluster = null;
    throw err;
  });
  return cluster;
}

async function stopCompatCluster(): Promise<void> {
  const c = cluster;
  cluster = null;
  if (c) await (await c).stop();
}

/** Mocha hooks for a client module: waits for the shared cluster; the last module stops it. */
export function useCompatCluster(): () => RunningCluster {
  let c: RunningCluster | undefined;
  users++;
  before(async function () {
    this.timeout(120_000);
    c = await compatCluster();
  });
  after(async function () {
    this.timeout(60_000);
    if (--users === 0) await stopCompatCluster();
  });
  return () => {
    if (!c) throw new Error('compat cluster not started');
    return c;
  };
}

export function createTopic(c: RunningCluster, name: string, partitions: number, replicationFactor = 3, configs: Record<string, string> = {}): Promise<void> {
  return createTopicOn(c, name, partitions, replicationFactor, configs);
}

// Fallback for runs that skip a module's hooks (--grep): stop at the end of the run.
after(async function () {
  this.timeout(60_000);
  await stopCompatCluster();
});
