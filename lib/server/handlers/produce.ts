/**
 * Produce (key 0), v0–11: appends each partition's records to its leader log (validated and given
 * offsets as Kafka's LogValidator does) and answers per partition with the base offset, log append
 * time and log start offset. acks=0 gets no response (and, like Kafka, a failed acks=0 request
 * closes the connection so the client notices); acks=1 answers after the leader append; acks=-1
 * waits in the DelayedProduce purgatory for the ISR. v3+ must carry exactly one magic-2 batch per
 * partition (INVALID_RECORD otherwise), zstd only from v7 (UNSUPPORTED_COMPRESSION_TYPE, KIP-110);
 * v0–2 carry legacy message sets, converted on append. v10+ name the current leader of a partition
 * answered NOT_LEADER_OR_FOLLOWER, with its endpoint (KIP-951); v11 only allows
 * TRANSACTION_ABORTABLE, which kafkats does not answer.
 * Authorization (KafkaApis.handleProduceRequest): transactional batches need WRITE on the request's
 * transactional id (else every partition answers TRANSACTIONAL_ID_AUTHORIZATION_FAILED), each topic
 * WRITE (TOPIC_AUTHORIZATION_FAILED, before the topic's existence is disclosed).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import { batchesIn, compressionTypeOf, isTransactionalBatch } from '../../record/record-batch.js';
import { CompressionType } from '../../record/compression.js';
import { ATTRIBUTES_OFFSET } from '../../record/batch-header.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { authorize, filterByAuthorized } from './auth-helper.js';
import type { ProduceEntry, ProducePartitionResult } from '../../replication/replica-manager.js';
import { CloseConnectionError, defineHandler } from './handler.js';
import { LeaderHints, PRODUCE_LEADER_HINT_ERRORS } from './leader-hints.js';
import { groupBy } from '../../utils/collections.js';

export class AcksZeroFailure extends CloseConnectionError {}

export const produceHandler = defineHandler({
  apiKey: ApiKeys.PRODUCE,
  minVersion: 0,
  maxVersion: 11,
  async handle(ctx, request) {
    const acks = request.acks;
    const results: ProducePartitionResult[] = [];
    const entries: ProduceEntry[] = [];
    const fail = (topic: string, partition: number, errorCode: number, errorMessage: string | null = null): void => {
      results.push({ tp: { topic, partition }, errorCode, baseOffset: -1n, logAppendTime: -1n, logStartOffset: -1n, errorMessage, recordErrors: [] });
    };
    const transactionalId = ctx.apiVersion >= 3 ? request.transactionalId : null;
    const deniedTransaction = hasTransactionalRecords(request.topicData)
      && (transactionalId === null || !authorize(ctx, Op.WRITE, RT.TRANSACTIONAL_ID, transactionalId));
    const writable = filterByAuthorized(ctx, Op.WRITE, RT.TOPIC, request.topicData, (t) => t.name);
    for (const t of request.topicData) {
      for (const p of t.partitionData) {
        if (deniedTransaction) {
          fail(t.name, p.index, Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code);
          continue;
        }
        if (!writable.has(t.name)) {
          fail(t.name, p.index, Errors.TOPIC_AUTHORIZATION_FAILED.code);
          continue;
        }
        if (acks !== 0 && acks !== 1 && acks !== -1) {
          fail(t.name, p.index, Errors.INVALID_REQUIRED_ACKS.code);
          continue;
        }
        if (!ctx.broker.metadataCache.getPartitionInfo(t.name, p.index)) {
          fail(t.name, p.index, Errors.UNKNOWN_TOPIC_OR_PARTITION.code);
          continue;
        }
        const records = p.records ?? Buffer.alloc(0);
        const problem = checkRecords(records, ctx.apiVersion);
        if (problem) {
          fail(t.name, p.index, problem.error.code, problem.message);
          continue;
        }
        entries.push({ tp: { topic: t.name, partition: p.index }, records });
      }
    }
    if (entries.length > 0) {
      const appended = await ctx.broker.replicaManager.appendRecords({ timeoutMs: request.timeoutMs, requiredAcks: acks, entries });
      results.push(...appended);
    }
    if (acks === 0) {
      if (results.some((r) => r.errorCode !== Errors.NONE.code)) throw new AcksZeroFailure('an acks=0 produce failed: closing the connection so the producer notices');
      return null;
    }
    const byTopic = groupBy(results, (r) => r.tp.topic);
    const hints = new LeaderHints(ctx, ctx.apiVersion >= 10 ? PRODUCE_LEADER_HINT_ERRORS : []);
    const responses = [...byTopic].map(([name, rs]) => ({
        name,
        partitionResponses: rs.map((r) => ({
          index: r.tp.partition,
          errorCode: r.errorCode,
          baseOffset: r.baseOffset,
          logAppendTimeMs: r.logAppendTime,
          logStartOffset: r.logStartOffset,
          recordErrors: r.recordErrors.map((e) => ({ batchIndex: e.batchIndex, batchIndexErrorMessage: e.message })),
          errorMessage: r.errorMessage,
          currentLeader: hints.hint(r.tp, r.errorCode),
        })),
      }));
    return { throttleTimeMs: 0, nodeEndpoints: hints.endpoints, responses };
  },
});

/** RequestUtils.hasTransactionalRecords: the first batch of some partition is transactional. */
function hasTransactionalRecords(topics: ReadonlyArray<{ partitionData: ReadonlyArray<{ records: Buffer | null }> }>): boolean {
  return topics.some((t) => t.partitionData.some((p) => {
    try {
      const first = p.records ? batchesIn(p.records).next() : undefined;
      return first !== undefined && !first.done && first.value.magic === 2
        && isTransactionalBatch(p.records!.readInt16BE(first.value.position + ATTRIBUTES_OFFSET));
    } catch {
      return false; // a corrupt batch is refused by the append
    }
  }));
}

/**
 * ProduceRequest.validateRecords: v3+ needs exactly one magic-2 batch, and zstd needs v7+ (older
 * clients could not read it back); older versions carry legacy sets.
 */
function checkRecords(records: Buffer, version: number): { error: { code: number }; message: string } | null {
  const invalid = (message: string): { error: { code: number }; message: string } => ({ error: Errors.INVALID_RECORD, message });
  if (records.length === 0) return invalid('Produce request has no records');
  if (version < 3) return null;
  let count = 0;
  for (const b of batchesIn(records)) {
    count += 1;
    if (b.magic !== 2) return invalid(`Produce requests with version ${version} must have record batches with magic 2, not ${b.magic}`);
    if (version < 7 && compressionTypeOf(records.readInt16BE(b.position + ATTRIBUTES_OFFSET)) === CompressionType.ZSTD) {
      return { error: Errors.UNSUPPORTED_COMPRESSION_TYPE, message: `Produce requests with version ${version} may not use zstd compression` };
    }
  }
  if (count !== 1) return invalid(`Produce requests with version ${version} must have exactly one record batch per partition, not ${count}`);
  return null;
}
