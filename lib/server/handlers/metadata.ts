/**
 * Metadata (key 3), v0–12: brokers (endpoints of the listener the client came in on), cluster id,
 * controller id, and each topic's partitions with leader, leader epoch, replicas, ISR and offline
 * replicas, from this broker's MetadataCache (which the controller keeps current). Unknown topics
 * are auto-created when the request allows it and auto.create.topics.enable is on (the client sees
 * LEADER_NOT_AVAILABLE until the controller has elected leaders). v0 means "all topics" with an
 * empty list and reports REPLICA_NOT_AVAILABLE with only live replicas, as Kafka does.
 * Authorization (KafkaApis.handleTopicMetadataRequest): topics without DESCRIBE are left out of an
 * all-topics answer and answer TOPIC_AUTHORIZATION_FAILED when named; auto-creation needs CREATE on
 * the cluster or the topic; v8+ fill the authorized-operations fields when asked for.
 */
import { ApiKeys } from '../../protocol/index.js';
import { ZERO_UUID } from '../../protocol/reader.js';
import { Errors } from '../../protocol/errors.js';
import type { MetadataResponsePartition, MetadataResponseTopic } from '../../protocol/generated/types.js';
import type { Input } from '../../protocol/frames.js';
import { isInternalTopic } from '../../common/topic.js';
import { defineHandler, type RequestContext } from './handler.js';
import { Op } from '../../common/acl.js';
import { CLUSTER_NAME, RT } from '../../common/resource.js';
import { AUTHORIZED_OPERATIONS_OMITTED, authorizedOperations, authorizeClusterOperation, filterByAuthorized } from './auth-helper.js';

const LEGAL_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

export const metadataHandler = defineHandler({
  apiKey: ApiKeys.METADATA,
  minVersion: 0,
  maxVersion: 12,
  async handle(ctx, request) {
    const cache = ctx.broker.metadataCache;
    const v = ctx.apiVersion;
    const allTopics = request.topics === null || (v === 0 && request.topics.length === 0);
    const requested: Array<{ name: string | null; topicId: string }> = allTopics
      ? cache.getAllTopics().map((name) => ({ name, topicId: ZERO_UUID }))
      : (request.topics ?? []).map((t) => ({ name: t.name, topicId: t.topicId }));
    // Topics asked by id are resolved first; an unknown id answers UNKNOWN_TOPIC_ID.
    const named = requested.map((t) => ({ ...t, resolved: t.name ?? cache.getTopicName(t.topicId) ?? null }));
    const names = named.flatMap((t) => (t.resolved === null ? [] : [t.resolved]));
    // Topics the principal may not DESCRIBE are hidden: left out of "all topics", else refused.
    const describable = filterByAuthorized(ctx, Op.DESCRIBE, RT.TOPIC, names, (n) => n, { logIfDenied: !allTopics });
    const missing = [...new Set(names.filter((n) => describable.has(n) && !cache.contains(n)))];
    // Until the controller's first UpdateMetadata arrives this broker knows no brokers: missing
    // topics may well exist, so answer the retriable LEADER_NOT_AVAILABLE and create nothing.
    const knowsCluster = cache.getAliveBrokers().length > 0;
    const autoCreate = knowsCluster && !allTopics && (v < 4 || request.allowAutoTopicCreation) && ctx.broker.config.autoCreateTopicsEnable;
    const creating = new Map<string, number>();
    if (missing.length > 0 && autoCreate) {
      // Auto-creation needs CREATE on the cluster or on each topic.
      const creatable = authorizeClusterOperation(ctx, Op.CREATE, { logIfDenied: false }) ? new Set(missing)
        : filterByAuthorized(ctx, Op.CREATE, RT.TOPIC, missing, (n) => n);
      for (const t of missing) if (!creatable.has(t)) creating.set(t, Errors.TOPIC_AUTHORIZATION_FAILED.code);
      const valid = missing.filter((t) => creatable.has(t) && LEGAL_TOPIC.test(t) && t !== '.' && t !== '..');
      for (const t of missing) if (creatable.has(t) && !valid.includes(t)) creating.set(t, Errors.INVALID_TOPIC_EXCEPTION.code);
      if (valid.length > 0) {
        const results = await ctx.broker.adminManager.autoCreateTopics(valid);
        for (const t of valid) creating.set(t, results.get(t) ?? Errors.LEADER_NOT_AVAILABLE.code);
      }
    }
    const topicOps = (name: string): number => (v >= 8 && request.includeTopicAuthorizedOperations ? authorizedOperations(ctx, RT.TOPIC, name) : AUTHORIZED_OPERATIONS_OMITTED);
    const topics = named.flatMap((t): Array<Input<MetadataResponseTopic>> => {
      const name = t.resolved;
      if (name === null) return [{ errorCode: Errors.UNKNOWN_TOPIC_ID.code, name: null, topicId: t.topicId, partitions: [] }];
      if (!describable.has(name)) {
        if (allTopics) return [];
        // A topic id is not secret; a name asked for is answered without disclosing the topic.
        const byId = t.name === null;
        return [{ errorCode: Errors.TOPIC_AUTHORIZATION_FAILED.code, name: byId ? null : name, topicId: byId ? t.topicId : ZERO_UUID, isInternal: false, partitions: [] }];
      }
      if (creating.get(name) === Errors.TOPIC_AUTHORIZATION_FAILED.code) {
        return [{ errorCode: Errors.TOPIC_AUTHORIZATION_FAILED.code, name, topicId: ZERO_UUID, isInternal: isInternalTopic(name), partitions: [] }];
      }
      if (!cache.contains(name)) {
        const code = creating.get(name) ?? (knowsCluster ? Errors.UNKNOWN_TOPIC_OR_PARTITION.code : Errors.LEADER_NOT_AVAILABLE.code);
        return [{ errorCode: code, name, topicId: ZERO_UUID, isInternal: isInternalTopic(name), partitions: [], topicAuthorizedOperations: topicOps(name) }];
      }
      return [{
        errorCode: Errors.NONE.code,
        name,
        topicId: cache.getTopicId(name) ?? ZERO_UUID,
        isInternal: isInternalTopic(name),
        partitions: partitionMetadata(ctx, name),
        topicAuthorizedOperations: topicOps(name),
      }];
    });
    const brokers = cache.getAliveBrokers().flatMap((b) => {
      const ep = b.endpoints.find((e) => e.listener === ctx.listenerName);
      return ep ? [{ nodeId: b.id, host: ep.host, port: ep.port, rack: b.rack }] : [];
    });
    let clusterAuthorizedOperations = AUTHORIZED_OPERATIONS_OMITTED;
    if (v >= 8 && v <= 10 && request.includeClusterAuthorizedOperations) {
      clusterAuthorizedOperations = authorizeClusterOperation(ctx, Op.DESCRIBE) ? authorizedOperations(ctx, RT.CLUSTER, CLUSTER_NAME) : 0;
    }
    return {
      throttleTimeMs: 0,
      brokers,
      clusterId: ctx.broker.clusterId,
      controllerId: cache.getControllerId() ?? -1,
      topics,
      clusterAuthorizedOperations,
    };
  },
});

function partitionMetadata(ctx: RequestContext, topic: string): Array<Input<MetadataResponsePartition>> {
  const cache = ctx.broker.metadataCache;
  return cache.getPartitions(topic).map((p) => {
    const alive = (id: number): boolean => cache.getAliveEndpoint(id, ctx.listenerName) !== undefined;
    const leaderAlive = p.leader >= 0 && alive(p.leader);
    let errorCode: number = Errors.NONE.code;
    let replicaNodes = p.replicas;
    let isrNodes = p.isr;
    if (!leaderAlive) {
      errorCode = Errors.LEADER_NOT_AVAILABLE.code;
    } else if (ctx.apiVersion === 0 && (p.replicas.some((r) => !alive(r)) || p.isr.some((r) => !alive(r)))) {
      errorCode = Errors.REPLICA_NOT_AVAILABLE.code;
      replicaNodes = p.replicas.filter(alive);
      isrNodes = p.isr.filter(alive);
    }
    return {
      errorCode,
      partitionIndex: p.partition,
      leaderId: leaderAlive ? p.leader : -1,
      leaderEpoch: p.leaderEpoch,
      replicaNodes,
      isrNodes,
      offlineReplicas: p.offlineReplicas,
    };
  });
}
