/**
 * DescribeTransactions (key 65), v0 (KIP-664): state, producer id/epoch, timeout, start time and
 * partitions of each transactional id this broker coordinates.
 */
import { ApiKeys } from '../../protocol/index.js';
import { defineHandler } from './handler.js';
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
        const r = txn ? txn.describe(id) : { error: COORDINATOR_NOT_AVAILABLE };
        const m = 'metadata' in r ? r.metadata : undefined;
        const byTopic = new Map<string, number[]>();
        for (const tp of m?.topicPartitions.values() ?? []) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
        return {
          errorCode: r.error, transactionalId: id, transactionState: m?.state ?? '', transactionTimeoutMs: m?.txnTimeoutMs ?? 0,
          transactionStartTimeMs: BigInt(m?.txnStartTimestamp ?? -1), producerId: m?.producerId ?? -1n, producerEpoch: m?.producerEpoch ?? -1,
          topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
        };
      }),
    };
  },
});
