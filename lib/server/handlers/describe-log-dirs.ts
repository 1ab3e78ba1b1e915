/**
 * DescribeLogDirs (key 35), v0–4: each log dir of this broker with the size of every replica in
 * it, its lag behind the log end (0 here: no intra-broker moves) and, in v4, the disk's total and
 * usable bytes. A null topic list means every replica. Needs DESCRIBE on the cluster
 * (CLUSTER_AUTHORIZATION_FAILED).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';
import { Op } from '../../common/acl.js';
import { authorizeClusterOperation } from './auth-helper.js';
import { groupBy } from '../../utils/collections.js';

export const describeLogDirsHandler = defineHandler({
  apiKey: ApiKeys.DESCRIBE_LOG_DIRS,
  minVersion: 0,
  maxVersion: 4,
  async handle(ctx, request) {
    if (!authorizeClusterOperation(ctx, Op.DESCRIBE)) return { throttleTimeMs: 0, errorCode: Errors.CLUSTER_AUTHORIZATION_FAILED.code, results: [] };
    const wanted = request.topics === null ? null : new Map(request.topics.map((t) => [t.topic, new Set(t.partitions)]));
    const logs = ctx.broker.logManager.allLogs().filter((l) => wanted === null || wanted.get(l.topicPartition.topic)?.has(l.topicPartition.partition));
    const results = ctx.broker.logManager.logDirs.map((dir) => {
      const resolved = path.resolve(dir);
      const inDir = logs.filter((l) => path.resolve(path.dirname(l.dir)) === resolved);
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
        partitions: ls.map((l) => ({ partitionIndex: l.topicPartition.partition, partitionSize: BigInt(l.size()), offsetLag: 0n, isFutureKey: false })),
      }));
      return { errorCode: Errors.NONE.code, logDir: resolved, topics, totalBytes, usableBytes };
    });
    return { throttleTimeMs: 0, errorCode: Errors.NONE.code, results };
  },
});
