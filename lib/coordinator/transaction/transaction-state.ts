/**
 * Kafka's TransactionState (coordinator/transaction/TransactionMetadata.scala) as a table: each
 * state, its id in TransactionLogValue.TransactionStatus, and the states it may be entered from.
 * `assertTransition` is the single check every transition goes through (logged on state.change).
 */
import { logger } from '../../utils/logger.js';

export const TransactionState = {
  Empty: 'Empty',
  Ongoing: 'Ongoing',
  PrepareCommit: 'PrepareCommit',
  PrepareAbort: 'PrepareAbort',
  CompleteCommit: 'CompleteCommit',
  CompleteAbort: 'CompleteAbort',
  Dead: 'Dead',
  PrepareEpochFence: 'PrepareEpochFence',
} as const;
export type TransactionState = (typeof TransactionState)[keyof typeof TransactionState];

const S = TransactionState;

/** The byte stored in TransactionLogValue.TransactionStatus. */
export const TRANSACTION_STATE_IDS: Record<TransactionState, number> = {
  Empty: 0, Ongoing: 1, PrepareCommit: 2, PrepareAbort: 3, CompleteCommit: 4, CompleteAbort: 5, Dead: 6, PrepareEpochFence: 7,
};

export function transactionStateFromId(id: number): TransactionState {
  const found = (Object.keys(TRANSACTION_STATE_IDS) as TransactionState[]).find((s) => TRANSACTION_STATE_IDS[s] === id);
  if (!found) throw new RangeError(`Unknown transaction state id ${id}`);
  return found;
}

/** Valid previous states of each state (Kafka's TransactionState.validPreviousStates). */
export const VALID_PREVIOUS_STATES: Record<TransactionState, readonly TransactionState[]> = {
  Empty: [S.Empty, S.CompleteCommit, S.CompleteAbort],
  Ongoing: [S.Ongoing, S.Empty, S.CompleteCommit, S.CompleteAbort],
  PrepareCommit: [S.Ongoing],
  PrepareAbort: [S.Ongoing, S.PrepareEpochFence],
  CompleteCommit: [S.PrepareCommit],
  CompleteAbort: [S.PrepareAbort],
  Dead: [S.Empty, S.CompleteAbort, S.CompleteCommit],
  PrepareEpochFence: [S.Ongoing],
};

export function isValidTransition(from: TransactionState, to: TransactionState): boolean {
  return VALID_PREVIOUS_STATES[to].includes(from);
}

const stateChangeLog = logger('state.change.logger');

export class IllegalTransactionStateTransitionError extends Error {
  override name = 'IllegalTransactionStateTransitionError';
}

export function assertTransition(transactionalId: string, from: TransactionState, to: TransactionState): void {
  if (!isValidTransition(from, to)) {
    throw new IllegalTransactionStateTransitionError(`TransactionalId ${transactionalId} failed transition to state ${to}: ${from} is not a valid previous state`);
  }
  stateChangeLog.debug(`TransactionalId ${transactionalId} transitions from ${from} to ${to}`);
}
