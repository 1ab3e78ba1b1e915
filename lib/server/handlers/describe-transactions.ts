/**
 * DescribeTransactions (key 65), v0 (KIP-664): state, producer id/epoch, timeout, start time and
 * partitions of each transactional id this broker coordinates. Each id needs DESCRIBE
 * (TRANSACTIONAL_ID_AUTHORIZATION_FAILED); partitions of topics without DESCRIBE are left out.
 */
import { ApiKeys } from '../../protocol/index.js';
import { defineHandler } from './handler.js';
import { Errors } from '../../protocol/errors.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { authorize } from './auth-helper.js';
import { COORDINATOR_NOT_AVAILABLE } from './txn-errors.js';

export const describeTransactionsHandler = defineHandler({
  apiKey: ApiKeys.DESCRIBE_TRANSACTIONS,
  minVersion: 0,
  maxVersion: 0,
  async handle(ctx, request) {
    const txn = ctx.broker.transactionCoordinator;
    return {
      throttleTimeMs: 0,
      transactionStates: request.transactionalIds.map((id) => {
        const r = !authorize(ctx, Op.DESCRIBE, RT.TRANSACTIONAL_ID, id) ? { error: Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code }
          : txn ? txn.describe(id) : { error: COORDINATOR_NOT_AVAILABLE };
        const m = 'metadata' in r ? r.metadata : undefined;
        const byTopic = new Map<string, number[]>();
        for (const tp of m?.topicPartitions.values() ?? []) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
        // Only the partitions of topics the principal may DESCRIBE are shown.
        for (const topic of byTopic.keys()) if (!authorize(ctx, Op.DESCRIBE, RT.TOPIC, topic)) byTopic.delete(topic);
        return {
          errorCode: r.error, transactionalId: id, transactionState: m?.state ?? '', transactionTimeoutMs: m?.txnTimeoutMs ?? 0,
          transactionStartTimeMs: BigInt(m?.txnStartTimestamp ?? -1), producerId: m?.producerId ?? -1n, producerEpoch: m?.producerEpoch ?? -1,
          topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
        };
      }),
    };
  },
});
