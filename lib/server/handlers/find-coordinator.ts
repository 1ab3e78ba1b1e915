/**
 * FindCoordinator (key 10), v0–6 (v5 only adds an error kafkats does not answer; v6 share-group keys are an unknown key type here): the broker leading the internal-topic partition of a key —
 * key type 0 = group (__consumer_offsets), 1 = transaction (__transaction_state); v4 batches keys.
 * As Kafka does: a missing internal topic is created in the background and the answer is
 * Errors.COORDINATOR_NOT_AVAILABLE.code (the client retries); no leader or a leader without an endpoint on
 * this listener is Errors.COORDINATOR_NOT_AVAILABLE.code too. Transactions answer Errors.COORDINATOR_NOT_AVAILABLE.code
 * until the broker has a transaction coordinator. An unknown key type is Errors.INVALID_REQUEST.code.
 * Authorization: DESCRIBE on the group (GROUP_AUTHORIZATION_FAILED) or on the transactional id
 * (TRANSACTIONAL_ID_AUTHORIZATION_FAILED).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors, apiErrorForCode } from '../../protocol/errors.js';
import { GROUP_METADATA_TOPIC_NAME, TRANSACTION_STATE_TOPIC_NAME } from '../../common/topic.js';
import { logger } from '../../utils/logger.js';
import { defineHandler, type RequestContext } from './handler.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { authorize } from './auth-helper.js';

const GROUP_KEY_TYPE = 0;
const TRANSACTION_KEY_TYPE = 1;
const log = logger('kafka.server.KafkaApis');

interface CoordinatorAnswer {
  key: string;
  nodeId: number;
  host: string;
  port: number;
  errorCode: number;
  errorMessage: string | null;
}

function answer(key: string, errorCode: number, node?: { id: number; host: string; port: number }): CoordinatorAnswer {
  return {
    key, errorCode,
    errorMessage: errorCode === Errors.NONE.code ? null : apiErrorForCode(errorCode).message,
    nodeId: node?.id ?? -1, host: node?.host ?? '', port: node?.port ?? -1,
  };
}

function getCoordinator(ctx: RequestContext, keyType: number, key: string): CoordinatorAnswer {
  if (keyType === GROUP_KEY_TYPE && !authorize(ctx, Op.DESCRIBE, RT.GROUP, key)) return answer(key, Errors.GROUP_AUTHORIZATION_FAILED.code);
  if (keyType === TRANSACTION_KEY_TYPE && !authorize(ctx, Op.DESCRIBE, RT.TRANSACTIONAL_ID, key)) return answer(key, Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code);
  let partition: number;
  let topic: string;
  if (keyType === GROUP_KEY_TYPE) {
    partition = ctx.broker.groupCoordinator.partitionFor(key);
    topic = GROUP_METADATA_TOPIC_NAME;
  } else if (keyType === TRANSACTION_KEY_TYPE) {
    const txn = ctx.broker.transactionCoordinator;
    if (!txn) return answer(key, Errors.COORDINATOR_NOT_AVAILABLE.code);
    partition = txn.partitionFor(key);
    topic = TRANSACTION_STATE_TOPIC_NAME;
  } else {
    return answer(key, Errors.INVALID_REQUEST.code);
  }
  const cache = ctx.broker.metadataCache;
  if (!cache.contains(topic)) {
    ctx.broker.adminManager.createInternalTopicIfMissing(topic).catch((err: unknown) => {
      log.warn({ err, topic }, `Could not create internal topic ${topic}`);
    });
    return answer(key, Errors.COORDINATOR_NOT_AVAILABLE.code);
  }
  const info = cache.getPartitionInfo(topic, partition);
  if (!info || info.leader < 0) return answer(key, Errors.COORDINATOR_NOT_AVAILABLE.code);
  const endpoint = cache.getAliveEndpoint(info.leader, ctx.listenerName);
  if (!endpoint) return answer(key, Errors.COORDINATOR_NOT_AVAILABLE.code);
  return answer(key, Errors.NONE.code, { id: info.leader, host: endpoint.host, port: endpoint.port });
}

export const findCoordinatorHandler = defineHandler({
  apiKey: ApiKeys.FIND_COORDINATOR,
  minVersion: 0,
  maxVersion: 6,
  async handle(ctx, request) {
    const keyType = ctx.apiVersion >= 1 ? request.keyType : GROUP_KEY_TYPE;
    if (ctx.apiVersion >= 4) {
      return { throttleTimeMs: 0, coordinators: request.coordinatorKeys.map((k) => getCoordinator(ctx, keyType, k)) };
    }
    const a = getCoordinator(ctx, keyType, request.key);
    return { throttleTimeMs: 0, errorCode: a.errorCode, errorMessage: a.errorMessage, nodeId: a.nodeId, host: a.host, port: a.port };
  },
});
