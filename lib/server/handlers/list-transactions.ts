/**
 * ListTransactions (key 66), v0–1 (KIP-664): the transactional ids this broker coordinates,
 * filtered by state and producer id (v1: by minimum running time). Unknown state names are echoed
 * in unknownStateFilters. Only the ids the principal may DESCRIBE are listed.
 */
import { ApiKeys } from '../../protocol/index.js';
import { VALID_PREVIOUS_STATES } from '../../coordinator/transaction/transaction-state.js';
import { defineHandler } from './handler.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { authorize } from './auth-helper.js';
import { Errors } from '../../protocol/errors.js';

export const listTransactionsHandler = defineHandler({
  apiKey: ApiKeys.LIST_TRANSACTIONS,
  minVersion: 0,
  maxVersion: 1,
  async handle(ctx, request) {
    const txn = ctx.broker.transactionCoordinator;
    const known = new Set(Object.keys(VALID_PREVIOUS_STATES));
    const unknownStateFilters = request.stateFilters.filter((s) => !known.has(s));
    const states = request.stateFilters.filter((s) => known.has(s));
    const minDuration = ctx.apiVersion >= 1 ? Number(request.durationFilter) : -1;
    const now = Date.now();
    const list = (txn?.list(states, request.producerIdFilters) ?? [])
      .filter((m) => minDuration < 0 || (m.txnStartTimestamp >= 0 && now - m.txnStartTimestamp >= minDuration))
      .filter((m) => authorize(ctx, Op.DESCRIBE, RT.TRANSACTIONAL_ID, m.transactionalId));
    return {
      throttleTimeMs: 0,
      errorCode: Errors.NONE.code,
      unknownStateFilters,
      transactionStates: list.map((m) => ({ transactionalId: m.transactionalId, producerId: m.producerId, transactionState: m.state })),
    };
  },
});
