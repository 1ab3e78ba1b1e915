/**
 * CreateTopics (key 19), v0–7. In ZooKeeper mode only the active controller creates topics; other
 * brokers answer NOT_CONTROLLER and the client retries at the controller (KafkaApis
 * handleCreateTopicsRequest). A name given twice fails with INVALID_REQUEST for every entry; the
 * rest go to ZkAdminManager.createTopics, which waits up to timeoutMs for leaders. v5+ results
 * carry the partition count, replication factor and resulting configs; v7 the topic id.
 * Authorization: CREATE on the cluster or on each topic (TOPIC_AUTHORIZATION_FAILED); the configs
 * and counts of a topic only with DESCRIBE_CONFIGS on it (else topicConfigErrorCode says why).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors, InvalidRequestError } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';
import type { CreateTopicResult } from '../zk-admin-manager.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { authorizeClusterOperation, filterByAuthorized } from './auth-helper.js';

export const createTopicsHandler = defineHandler({
  apiKey: ApiKeys.CREATE_TOPICS,
  minVersion: 0,
  maxVersion: 7,
  async handle(ctx, request) {
    if (!ctx.broker.controller.isActive) {
      const code = Errors.NOT_CONTROLLER.code;
      return { topics: request.topics.map((t) => ({ name: t.name, errorCode: code, errorMessage: null })) };
    }
    const names = request.topics.map((t) => t.name);
    const counts = new Map<string, number>();
    for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
    // CREATE on the cluster, or else on each topic; configs are answered only with DESCRIBE_CONFIGS.
    const creatable = authorizeClusterOperation(ctx, Op.CREATE, { logIfDenied: false }) ? new Set(names)
      : filterByAuthorized(ctx, Op.CREATE, RT.TOPIC, names, (n) => n);
    const describable = filterByAuthorized(ctx, Op.DESCRIBE_CONFIGS, RT.TOPIC, names, (n) => n, { logIfDenied: false });
    const toCreate = request.topics.filter((t) => counts.get(t.name) === 1 && creatable.has(t.name));
    const results = toCreate.length === 0 ? new Map<string, CreateTopicResult>()
      : await ctx.broker.adminManager.createTopics(request.timeoutMs, request.validateOnly, toCreate, ctx.apiVersion >= 5);
    const duplicate = new InvalidRequestError('Found multiple entries for this topic.');
    return {
      topics: request.topics.map((t) => {
        const topicConfigErrorCode = describable.has(t.name) ? Errors.NONE.code : Errors.TOPIC_AUTHORIZATION_FAILED.code;
        const failed = (errorCode: number, errorMessage: string) => ({ name: t.name, errorCode, errorMessage, topicConfigErrorCode, numPartitions: -1, replicationFactor: -1, configs: [] });
        if (counts.get(t.name) !== 1) return failed(duplicate.code, duplicate.message);
        if (!creatable.has(t.name)) return failed(Errors.TOPIC_AUTHORIZATION_FAILED.code, 'Authorization failed.');
        const r = results.get(t.name);
        if (r === undefined) return failed(duplicate.code, duplicate.message);
        if (!describable.has(t.name)) return { name: t.name, ...r, topicConfigErrorCode, numPartitions: -1, replicationFactor: -1, configs: [] };
        return { name: t.name, ...r };
      }),
    };
  },
});
