/**
 * Metadata (key 3), v0–12: brokers (endpoints of the listener the client came in on), cluster id,
 * controller id, and each topic's partitions with leader, leader epoch, replicas, ISR and offline
 * replicas, from this broker's MetadataCache (which the controller keeps current). Unknown topics
 * are auto-created when the request allows it and auto.create.topics.enable is on (the client sees
 * LEADER_NOT_AVAILABLE until the controller has elected leaders). v0 means "all topics" with an
 * empty list and reports REPLICA_NOT_AVAILABLE with only live replicas, as Kafka does.
 */
import { ApiKeys } from '../../protocol/index.js';
import { ZERO_UUID } from '../../protocol/reader.js';
import { Errors } from '../../protocol/errors.js';
import type { MetadataResponsePartition } from '../../protocol/generated/types.js';
import type { Input } from '../../protocol/frames.js';
import { isInternalTopic } from '../../common/topic.js';
import { defineHandler, type RequestContext } from './handler.js';

/** Authorized operations are not computed without an authorizer: Kafka's "not requested" value. */
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;
const LEGAL_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

export const metadataHandler = defineHandler({
  apiKey: ApiKeys.METADATA,
  minVersion: 0,
  maxVersion: 12,
  async handle(ctx, request) {
    const cache = ctx.broker.metadataCache;
    const allTopics = request.topics === null || (ctx.apiVersion === 0 && request.topics.length === 0);
    const requested: Array<{ name: string | null; topicId: string }> = allTopics
      ? cache.getAllTopics().map((name) => ({ name, topicId: ZERO_UUID }))
      : (request.topics ?? []).map((t) => ({ name: t.name, topicId: t.topicId }));
    const missing = requested.filter((t) => t.name !== null && !cache.contains(t.name)).map((t) => t.name as string);
    // Until the controller's first UpdateMetadata arrives this broker knows no brokers: missing
    // topics may well exist, so answer the retriable LEADER_NOT_AVAILABLE and create nothing.
    const knowsCluster = cache.getAliveBrokers().length > 0;
    const autoCreate = knowsCluster && (ctx.apiVersion < 4 || request.allowAutoTopicCreation);
    const creating = new Map<string, number>();
    if (missing.length > 0 && autoCreate && ctx.broker.config.autoCreateTopicsEnable) {
      const valid = missing.filter((t) => LEGAL_TOPIC.test(t) && t !== '.' && t !== '..');
      for (const t of missing) if (!valid.includes(t)) creating.set(t, Errors.INVALID_TOPIC_EXCEPTION.code);
      if (valid.length > 0) {
        const results = await ctx.broker.adminManager.autoCreateTopics(valid);
        for (const t of valid) creating.set(t, results.get(t) ?? Errors.LEADER_NOT_AVAILABLE.code);
      }
    }
    const topics = requested.map((t) => {
      let name = t.name;
      if (name === null) {
        name = cache.getTopicName(t.topicId) ?? null;
        if (name === null) return { errorCode: Errors.UNKNOWN_TOPIC_ID.code, name: null, topicId: t.topicId, partitions: [] };
      }
      if (!cache.contains(name)) {
        const code = creating.get(name) ?? (knowsCluster ? Errors.UNKNOWN_TOPIC_OR_PARTITION.code : Errors.LEADER_NOT_AVAILABLE.code);
        return { errorCode: code, name, topicId: ZERO_UUID, isInternal: isInternalTopic(name), partitions: [], topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED };
      }
      return {
        errorCode: Errors.NONE.code,
        name,
        topicId: cache.getTopicId(name) ?? ZERO_UUID,
        isInternal: isInternalTopic(name),
        partitions: partitionMetadata(ctx, name),
        topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
      };
    });
    const brokers = cache.getAliveBrokers().flatMap((b) => {
      const ep = b.endpoints.find((e) => e.listener === ctx.listenerName);
      return ep ? [{ nodeId: b.id, host: ep.host, port: ep.port, rack: b.rack }] : [];
    });
    return {
      throttleTimeMs: 0,
      brokers,
      clusterId: ctx.broker.clusterId,
      controllerId: cache.getControllerId() ?? -1,
      topics,
      clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
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
