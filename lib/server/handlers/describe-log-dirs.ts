/**
 * DescribeLogDirs (key 35), v0–4: each log dir of this broker with the size of every replica in
 * it and its lag (Kafka's getLogEndOffsetLag: a current replica's high watermark minus its log end,
 * at least 0; a future replica — isFutureKey, a move under way — the current log's end minus its
 * own) and, in v4, the disk's total and usable bytes. An offline dir answers KAFKA_STORAGE_ERROR.
 * A null topic list means every replica. Needs DESCRIBE on the cluster (CLUSTER_AUTHORIZATION_FAILED).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';
import { Op } from '../../common/acl.js';
import { authorizeClusterOperation } from './auth-helper.js';
import { groupBy } from '../../utils/collections.js';
import type { Log } from '../../log/log.js';

export const describeLogDirsHandler = defineHandler({
  apiKey: ApiKeys.DESCRIBE_LOG_DIRS,
  minVersion: 0,
  maxVersion: 4,
  async handle(ctx, request) {
    if (!authorizeClusterOperation(ctx, Op.DESCRIBE)) return { throttleTimeMs: 0, errorCode: Errors.CLUSTER_AUTHORIZATION_FAILED.code, results: [] };
    const wanted = request.topics === null ? null : new Map(request.topics.map((t) => [t.topic, new Set(t.partitions)]));
    const logs = ctx.broker.logManager.allLogs().filter((l) => wanted === null || wanted.get(l.topicPartition.topic)?.has(l.topicPartition.partition));
    const logManager = ctx.broker.logManager;
    const offsetLag = (l: Log): bigint => {
      if (!logManager.isFuture(l)) return l.highWatermark > l.logEndOffset ? l.highWatermark - l.logEndOffset : 0n;
      const current = logManager.getLog(l.topicPartition);
      return current ? current.logEndOffset - l.logEndOffset : -1n;
    };
    const results = logManager.logDirs.map((dir) => {
      const resolved = path.resolve(dir);
      if (!logManager.isLogDirOnline(dir)) return { errorCode: Errors.KAFKA_STORAGE_ERROR.code, logDir: resolved, topics: [], totalBytes: -1n, usableBytes: -1n };
      const inDir = logs.filter((l) => path.resolve(l.parentDir) === resolved);
      const byTopic = groupBy(inDir, (l) => l.topicPartition.topic);
      let totalBytes = -1n;
      let usableBytes = -1n;
      try {
        const s = fs.statfsSync(resolved);
        totalBytes = BigInt(s.blocks) * BigInt(s.bsize);
        usableBytes = BigInt(s.bavail) * BigInt(s.bsize);
      } catch {
        // statfs unsupported: Kafka reports -1 (UNKNOWN_VOLUME_BYTES)
      }
      const topics = [...byTopic].map(([name, ls]) => ({
        name,
        partitions: ls.map((l) => ({ partitionIndex: l.topicPartition.partition, partitionSize: BigInt(l.size()), offsetLag: offsetLag(l), isFutureKey: logManager.isFuture(l) })),
      }));
      return { errorCode: Errors.NONE.code, logDir: resolved, topics, totalBytes, usableBytes };
    });
    return { throttleTimeMs: 0, errorCode: Errors.NONE.code, results };
  },
});
