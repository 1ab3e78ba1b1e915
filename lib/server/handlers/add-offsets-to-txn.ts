/**
 * AddOffsetsToTxn (key 25), v0–4 (v4 only allows TRANSACTION_ABORTABLE): adds the group's __consumer_offsets partition to the
 * transaction, so the coordinator's markers also complete the offsets TxnOffsetCommit wrote.
 * Authorization: WRITE on the transactional id, READ on the group.
 */
import { ApiKeys } from '../../protocol/index.js';
import { GROUP_METADATA_TOPIC_NAME } from '../../common/topic.js';
import { defineHandler } from './handler.js';
import { Errors } from '../../protocol/errors.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { authorize } from './auth-helper.js';
import { COORDINATOR_NOT_AVAILABLE, fencedForVersion } from './txn-errors.js';

export const addOffsetsToTxnHandler = defineHandler({
  apiKey: ApiKeys.ADD_OFFSETS_TO_TXN,
  minVersion: 0,
  maxVersion: 4,
  async handle(ctx, request) {
    if (!authorize(ctx, Op.WRITE, RT.TRANSACTIONAL_ID, request.transactionalId)) return { throttleTimeMs: 0, errorCode: Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code };
    if (!authorize(ctx, Op.READ, RT.GROUP, request.groupId)) return { throttleTimeMs: 0, errorCode: Errors.GROUP_AUTHORIZATION_FAILED.code };
    const txn = ctx.broker.transactionCoordinator;
    if (!txn) return { throttleTimeMs: 0, errorCode: COORDINATOR_NOT_AVAILABLE };
    const partition = ctx.broker.groupCoordinator.partitionFor(request.groupId);
    const error = await txn.handleAddPartitionsToTransaction(request.transactionalId, request.producerId, request.producerEpoch,
      [{ topic: GROUP_METADATA_TOPIC_NAME, partition }]);
    return { throttleTimeMs: 0, errorCode: fencedForVersion(error, ctx.apiVersion, 2) };
  },
});
