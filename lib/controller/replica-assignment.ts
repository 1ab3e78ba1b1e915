/**
 * Replica placement for new topics and partitions: Kafka's AdminUtils.assignReplicasToBrokers,
 * rack-unaware (round robin from a random start, followers shifted per round) and rack-aware
 * (brokers interleaved by rack so each partition's replicas span as many racks as possible).
 */
import { InvalidPartitionsError, InvalidReplicationFactorError, InvalidReplicaAssignmentError } from '../protocol/errors.js';

export interface BrokerMetadata {
  id: number;
  rack?: string | null;
}

export interface AssignmentOptions {
  /** Fixes both the start index and the initial shift (Kafka's fixedStartIndex); random when absent. */
  fixedStartIndex?: number;
  /** First partition id to assign (CreatePartitions continues from the existing count). */
  startPartitionId?: number;
  random?: (n: number) => number;
}

/** partition id → ordered replica list (the first replica is the preferred leader). */
export type ReplicaAssignment = Map<number, number[]>;

const defaultRandom = (n: number): number => Math.floor(Math.random() * n);

export function assignReplicasToBrokers(
  brokers: BrokerMetadata[],
  numPartitions: number,
  replicationFactor: number,
  options: AssignmentOptions = {},
): ReplicaAssignment {
  if (numPartitions <= 0) throw new InvalidPartitionsError('Number of partitions must be larger than 0.');
  if (replicationFactor <= 0) throw new InvalidReplicationFactorError('Replication factor must be larger than 0.');
  if (replicationFactor > brokers.length) {
    throw new InvalidReplicationFactorError(
      `Replication factor: ${replicationFactor} larger than available brokers: ${brokers.length}.`,
    );
  }
  const withRack = brokers.filter((b) => b.rack != null && b.rack !== '');
  if (withRack.length === 0) return assignRackUnaware(brokers.map((b) => b.id), numPartitions, replicationFactor, options);
  if (withRack.length < brokers.length) {
    throw new InvalidReplicaAssignmentError('Not all brokers have rack information for replica rack aware assignment.');
  }
  return assignRackAware(new Map(brokers.map((b) => [b.id, b.rack as string])), numPartitions, replicationFactor, options);
}

function replicaIndex(firstReplicaIndex: number, secondReplicaShift: number, index: number, nBrokers: number): number {
  const shift = 1 + ((secondReplicaShift + index) % (nBrokers - 1));
  return (firstReplicaIndex + shift) % nBrokers;
}

function starts(n: number, options: AssignmentOptions): { startIndex: number; shift: number; first: number } {
  const random = options.random ?? defaultRandom;
  const fixed = options.fixedStartIndex ?? -1;
  return {
    startIndex: fixed >= 0 ? fixed : random(n),
    shift: fixed >= 0 ? fixed : random(n),
    first: Math.max(0, options.startPartitionId ?? 0),
  };
}

function assignRackUnaware(brokerIds: number[], numPartitions: number, rf: number, options: AssignmentOptions): ReplicaAssignment {
  const n = brokerIds.length;
  const out: ReplicaAssignment = new Map();
  let { startIndex, shift, first } = starts(n, options);
  for (let p = first; p < first + numPartitions; p++) {
    if (p > 0 && p % n === 0) shift += 1;
    const firstIndex = (p + startIndex) % n;
    const replicas = [brokerIds[firstIndex] as number];
    for (let j = 0; j < rf - 1; j++) replicas.push(brokerIds[replicaIndex(firstIndex, shift, j, n)] as number);
    out.set(p, replicas);
  }
  return out;
}

/** Brokers ordered so that consecutive entries sit on different racks (Kafka's getRackAlternatedBrokerList). */
export function rackAlternatedBrokerList(brokerRack: Map<number, string>): number[] {
  const byRack = new Map<string, number[]>();
  for (const [id, rack] of brokerRack) {
    const list = byRack.get(rack) ?? [];
    list.push(id);
    byRack.set(rack, list);
  }
  const racks = [...byRack.keys()].sort();
  for (const r of racks) byRack.get(r)!.sort((a, b) => a - b);
  const cursors = new Map(racks.map((r) => [r, 0]));
  const out: number[] = [];
  let rackIndex = 0;
  while (out.length < brokerRack.size) {
    const rack = racks[rackIndex] as string;
    const list = byRack.get(rack)!;
    const at = cursors.get(rack)!;
    if (at < list.length) {
      out.push(list[at] as number);
      cursors.set(rack, at + 1);
    }
    rackIndex = (rackIndex + 1) % racks.length;
  }
  return out;
}

function assignRackAware(brokerRack: Map<number, string>, numPartitions: number, rf: number, options: AssignmentOptions): ReplicaAssignment {
  const numRacks = new Set(brokerRack.values()).size;
  const arranged = rackAlternatedBrokerList(brokerRack);
  const n = arranged.length;
  const out: ReplicaAssignment = new Map();
  let { startIndex, shift, first } = starts(n, options);
  for (let p = first; p < first + numPartitions; p++) {
    if (p > 0 && p % n === 0) shift += 1;
    const firstIndex = (p + startIndex) % n;
    const leader = arranged[firstIndex] as number;
    const replicas = [leader];
    const racksWithReplicas = new Set([brokerRack.get(leader)]);
    const brokersWithReplicas = new Set([leader]);
    let k = 0;
    for (let r = 0; r < rf - 1; r++) {
      for (;;) {
        const broker = arranged[replicaIndex(firstIndex, shift * numRacks, k, n)] as number;
        const rack = brokerRack.get(broker);
        k += 1;
        // Skip a broker on a rack that already has a replica while some rack has none, and a
        // broker that already has a replica while some broker has none.
        if ((!racksWithReplicas.has(rack) || racksWithReplicas.size === numRacks) &&
            (!brokersWithReplicas.has(broker) || brokersWithReplicas.size === n)) {
          replicas.push(broker);
          racksWithReplicas.add(rack);
          brokersWithReplicas.add(broker);
          break;
        }
      }
    }
    out.set(p, replicas);
  }
  return out;
}

/** Validates an explicit assignment from CreateTopics/CreatePartitions (AdminZkClient.validateReplicaAssignment). */
export function validateReplicaAssignment(assignment: ReplicaAssignment, liveBrokerIds: ReadonlySet<number>, firstPartition = 0): void {
  const ids = [...assignment.keys()].sort((a, b) => a - b);
  ids.forEach((id, i) => {
    if (id !== firstPartition + i) throw new InvalidReplicaAssignmentError('Partitions should be a consecutive 0-based integer sequence.');
  });
  let rf = -1;
  for (const [p, replicas] of assignment) {
    if (replicas.length === 0) throw new InvalidReplicaAssignmentError(`Replica list for partition ${p} is empty.`);
    if (new Set(replicas).size !== replicas.length) throw new InvalidReplicaAssignmentError(`Duplicate brokers in the replica list of partition ${p}: ${replicas.join(',')}.`);
    if (rf === -1) rf = replicas.length;
    else if (rf !== replicas.length) throw new InvalidReplicaAssignmentError('All partitions should have the same number of replicas.');
    const unknown = replicas.filter((b) => !liveBrokerIds.has(b));
    if (unknown.length > 0) throw new InvalidReplicaAssignmentError(`Unknown broker(s) in the replica assignment of partition ${p}: ${unknown.join(',')}.`);
  }
}
