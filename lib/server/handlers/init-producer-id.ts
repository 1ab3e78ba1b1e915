/**
 * InitProducerId (key 22), v0–5 (v5 only allows TRANSACTION_ABORTABLE): a producer id and epoch. A null transactional id (idempotent
 * producer) is answered by any broker from its ZooKeeper id block; otherwise by the transaction
 * coordinator of the id (epoch bump, fencing of an ongoing transaction, KIP-360 re-init from v3).
 * From v3 the request may name the producer's current id and epoch: both -1 is no claim, exactly
 * one of them -1 is INVALID_REQUEST (as Kafka's KafkaApis). PRODUCER_FENCED becomes
 * INVALID_PRODUCER_EPOCH below v4. Authorization: WRITE on the transactional id
 * (TRANSACTIONAL_ID_AUTHORIZATION_FAILED); an idempotent producer needs IDEMPOTENT_WRITE on the
 * cluster or WRITE on some topic (KIP-679; CLUSTER_AUTHORIZATION_FAILED).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { authorize, authorizeByResourceType, authorizeClusterOperation } from './auth-helper.js';
import { COORDINATOR_NOT_AVAILABLE, fencedForVersion } from './txn-errors.js';

export const initProducerIdHandler = defineHandler({
  apiKey: ApiKeys.INIT_PRODUCER_ID,
  minVersion: 0,
  maxVersion: 5,
  async handle(ctx, request) {
    if (request.transactionalId !== null) {
      if (!authorize(ctx, Op.WRITE, RT.TRANSACTIONAL_ID, request.transactionalId)) {
        return { throttleTimeMs: 0, errorCode: Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code, producerId: -1n, producerEpoch: -1 };
      }
    } else if (!authorizeClusterOperation(ctx, Op.IDEMPOTENT_WRITE, { logIfDenied: false }) && !authorizeByResourceType(ctx, Op.WRITE, RT.TOPIC)) {
      return { throttleTimeMs: 0, errorCode: Errors.CLUSTER_AUTHORIZATION_FAILED.code, producerId: -1n, producerEpoch: -1 };
    }
    const txn = ctx.broker.transactionCoordinator;
    if (!txn) return { throttleTimeMs: 0, errorCode: COORDINATOR_NOT_AVAILABLE, producerId: -1n, producerEpoch: -1 };
    const noId = request.producerId === -1n;
    const noEpoch = request.producerEpoch === -1;
    if (ctx.apiVersion >= 3 && noId !== noEpoch) return { throttleTimeMs: 0, errorCode: Errors.INVALID_REQUEST.code, producerId: -1n, producerEpoch: -1 };
    const expected = ctx.apiVersion >= 3 && !noId ? { producerId: request.producerId, producerEpoch: request.producerEpoch } : undefined;
    const r = await txn.handleInitProducerId(request.transactionalId, request.transactionTimeoutMs, expected);
    return { throttleTimeMs: 0, errorCode: fencedForVersion(r.error, ctx.apiVersion, 4), producerId: r.producerId, producerEpoch: r.producerEpoch };
  },
});
