/**
 * DeleteTopics (key 20), v0–6. Only the active controller deletes (NOT_CONTROLLER elsewhere);
 * delete.topic.enable=false answers TOPIC_DELETION_DISABLED (INVALID_REQUEST before v3); v6 names
 * topics by name or by id (not both: INVALID_REQUEST; an unknown id: UNKNOWN_TOPIC_ID); topics not
 * in the metadata cache get UNKNOWN_TOPIC_OR_PARTITION. The rest are marked in
 * /admin/delete_topics and answered when they left the metadata cache, or REQUEST_TIMED_OUT
 * (KafkaApis handleDeleteTopicsRequest, ZkAdminManager.deleteTopics). Each topic needs DELETE, and
 * DESCRIBE when named by id (TOPIC_AUTHORIZATION_FAILED).
 */
import { ApiKeys } from '../../protocol/index.js';
import { ZERO_UUID } from '../../protocol/reader.js';
import { Errors } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { filterByAuthorized } from './auth-helper.js';

interface Entry {
  name: string | null;
  topicId: string;
  errorCode: number;
  errorMessage: string | null;
}

export const deleteTopicsHandler = defineHandler({
  apiKey: ApiKeys.DELETE_TOPICS,
  minVersion: 0,
  maxVersion: 6,
  async handle(ctx, request) {
    const requested = ctx.apiVersion >= 6
      ? request.topics.map((t) => ({ name: t.name, topicId: t.topicId }))
      : request.topicNames.map((name) => ({ name: name as string | null, topicId: ZERO_UUID }));
    const answerAll = (code: number, message: string | null = null) => ({
      responses: requested.map((t) => ({ name: t.name, topicId: t.topicId, errorCode: code, errorMessage: message })),
    });
    if (!ctx.broker.controller.isActive) return answerAll(Errors.NOT_CONTROLLER.code);
    if (!ctx.broker.config.deleteTopicEnable) {
      return answerAll(ctx.apiVersion < 3 ? Errors.INVALID_REQUEST.code : Errors.TOPIC_DELETION_DISABLED.code);
    }
    if (requested.some((t) => t.name !== null && t.topicId !== ZERO_UUID)) {
      return answerAll(Errors.INVALID_REQUEST.code, 'Topic name and topic ID can not both be specified.');
    }
    const topicNameById = (id: string): string | null => {
      for (const [name, tid] of ctx.broker.controller.context.topicIds) if (tid === id) return name;
      return null;
    };
    const entries: Entry[] = requested.map((t) => ({
      name: t.topicId === ZERO_UUID ? t.name : topicNameById(t.topicId),
      topicId: t.topicId,
      errorCode: Errors.NONE.code,
      errorMessage: null,
    }));
    const named = entries.flatMap((e) => (e.name === null ? [] : [e.name]));
    const describable = filterByAuthorized(ctx, Op.DESCRIBE, RT.TOPIC, named, (n) => n);
    const deletable = filterByAuthorized(ctx, Op.DELETE, RT.TOPIC, named, (n) => n);
    const toDelete: string[] = [];
    for (const e of entries) {
      if (e.name === null) e.errorCode = Errors.UNKNOWN_TOPIC_ID.code;
      else if (e.topicId !== ZERO_UUID && !describable.has(e.name)) {
        // Asked by id without DESCRIBE: the name stays undisclosed (a topic id is not secret).
        e.name = null;
        e.errorCode = Errors.TOPIC_AUTHORIZATION_FAILED.code;
      } else if (!deletable.has(e.name)) e.errorCode = Errors.TOPIC_AUTHORIZATION_FAILED.code;
      else if (!ctx.broker.metadataCache.contains(e.name)) e.errorCode = Errors.UNKNOWN_TOPIC_OR_PARTITION.code;
      else toDelete.push(e.name);
    }
    if (toDelete.length > 0) {
      const results = await ctx.broker.adminManager.deleteTopics(request.timeoutMs, toDelete);
      for (const e of entries) {
        const r = e.name === null ? undefined : results.get(e.name);
        if (r !== undefined && e.errorCode === Errors.NONE.code) {
          e.errorCode = r.errorCode;
          e.errorMessage = r.errorMessage;
        }
      }
    }
    return { responses: entries };
  },
});
