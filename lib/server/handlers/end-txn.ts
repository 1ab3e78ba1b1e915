/**
 * EndTxn (key 26), v0–4 (v4 only allows TRANSACTION_ABORTABLE): commit or abort. The answer comes once PrepareCommit/PrepareAbort is in
 * __transaction_state; the markers and the Complete state follow in the background (as Kafka).
 * Needs WRITE on the transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED).
 */
import { ApiKeys } from '../../protocol/index.js';
import { defineHandler } from './handler.js';
import { Errors } from '../../protocol/errors.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { authorize } from './auth-helper.js';
import { COORDINATOR_NOT_AVAILABLE, fencedForVersion } from './txn-errors.js';

export const endTxnHandler = defineHandler({
  apiKey: ApiKeys.END_TXN,
  minVersion: 0,
  maxVersion: 4,
  async handle(ctx, request) {
    if (!authorize(ctx, Op.WRITE, RT.TRANSACTIONAL_ID, request.transactionalId)) return { throttleTimeMs: 0, errorCode: Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code };
    const txn = ctx.broker.transactionCoordinator;
    if (!txn) return { throttleTimeMs: 0, errorCode: COORDINATOR_NOT_AVAILABLE };
    const error = await txn.handleEndTransaction(request.transactionalId, request.producerId, request.producerEpoch, request.committed);
    return { throttleTimeMs: 0, errorCode: fencedForVersion(error, ctx.apiVersion, 2) };
  },
});
