/**
 * Partition and replica states of Kafka's controller as transition tables: each state lists the
 * states it may be entered from (PartitionStateMachine / ReplicaStateMachine). A transition not in
 * the table is refused and logged, never applied.
 */

export const PartitionState = {
  NewPartition: 'NewPartition',
  OnlinePartition: 'OnlinePartition',
  OfflinePartition: 'OfflinePartition',
  NonExistentPartition: 'NonExistentPartition',
} as const;
export type PartitionState = (typeof PartitionState)[keyof typeof PartitionState];

export const partitionValidPreviousStates: Record<PartitionState, readonly PartitionState[]> = {
  NewPartition: ['NonExistentPartition'],
  OnlinePartition: ['NewPartition', 'OnlinePartition', 'OfflinePartition'],
  OfflinePartition: ['NewPartition', 'OnlinePartition', 'OfflinePartition'],
  NonExistentPartition: ['OfflinePartition'],
};

export const ReplicaState = {
  NewReplica: 'NewReplica',
  OnlineReplica: 'OnlineReplica',
  OfflineReplica: 'OfflineReplica',
  ReplicaDeletionStarted: 'ReplicaDeletionStarted',
  ReplicaDeletionSuccessful: 'ReplicaDeletionSuccessful',
  ReplicaDeletionIneligible: 'ReplicaDeletionIneligible',
  NonExistentReplica: 'NonExistentReplica',
} as const;
export type ReplicaState = (typeof ReplicaState)[keyof typeof ReplicaState];

export const replicaValidPreviousStates: Record<ReplicaState, readonly ReplicaState[]> = {
  NewReplica: ['NonExistentReplica'],
  OnlineReplica: ['NewReplica', 'OnlineReplica', 'OfflineReplica', 'ReplicaDeletionIneligible'],
  OfflineReplica: ['NewReplica', 'OnlineReplica', 'OfflineReplica', 'ReplicaDeletionIneligible'],
  ReplicaDeletionStarted: ['OfflineReplica'],
  ReplicaDeletionSuccessful: ['ReplicaDeletionStarted'],
  ReplicaDeletionIneligible: ['OfflineReplica', 'ReplicaDeletionStarted'],
  NonExistentReplica: ['ReplicaDeletionSuccessful'],
};

export function isValidPartitionTransition(from: PartitionState, to: PartitionState): boolean {
  return partitionValidPreviousStates[to].includes(from);
}

export function isValidReplicaTransition(from: ReplicaState, to: ReplicaState): boolean {
  return replicaValidPreviousStates[to].includes(from);
}
