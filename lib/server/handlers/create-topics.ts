/**
 * CreateTopics (key 19), v0–7. In ZooKeeper mode only the active controller creates topics; other
 * brokers answer NOT_CONTROLLER and the client retries at the controller (KafkaApis
 * handleCreateTopicsRequest). A name given twice fails with INVALID_REQUEST for every entry; the
 * rest go to ZkAdminManager.createTopics, which waits up to timeoutMs for leaders. v5+ results
 * carry the partition count, replication factor and resulting configs; v7 the topic id.
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors, InvalidRequestError } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';

export const createTopicsHandler = defineHandler({
  apiKey: ApiKeys.CREATE_TOPICS,
  minVersion: 0,
  maxVersion: 7,
  async handle(ctx, request) {
    if (!ctx.broker.controller.isActive) {
      const code = Errors.NOT_CONTROLLER.code;
      return { topics: request.topics.map((t) => ({ name: t.name, errorCode: code, errorMessage: null })) };
    }
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const toCreate = request.topics.filter((t) => counts.get(t.name) === 1);
    const results = await ctx.broker.adminManager.createTopics(request.timeoutMs, request.validateOnly, toCreate, ctx.apiVersion >= 5);
    const duplicate = new InvalidRequestError('Found multiple entries for this topic.');
    return {
      topics: request.topics.map((t) => {
        const r = results.get(t.name);
        if (counts.get(t.name) !== 1 || r === undefined) {
          return { name: t.name, errorCode: duplicate.code, errorMessage: duplicate.message, numPartitions: -1, replicationFactor: -1, configs: [] };
        }
        return { name: t.name, ...r };
      }),
    };
  },
});
