/**
 * CreatePartitions (key 37), v0–3. Only the active controller adds partitions (NOT_CONTROLLER
 * elsewhere); a topic named twice gets INVALID_REQUEST, a topic queued for deletion
 * INVALID_TOPIC_EXCEPTION; the rest go to ZkAdminManager.createPartitions, which rewrites
 * /brokers/topics/<t> and waits up to timeoutMs for the new partitions' leaders
 * (KafkaApis handleCreatePartitionsRequest). Each topic needs ALTER (TOPIC_AUTHORIZATION_FAILED).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors, InvalidRequestError, InvalidTopicError } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { filterByAuthorized } from './auth-helper.js';

export const createPartitionsHandler = defineHandler({
  apiKey: ApiKeys.CREATE_PARTITIONS,
  minVersion: 0,
  maxVersion: 3,
  async handle(ctx, request) {
    const names = [...new Set(request.topics.map((t) => t.name))];
    const controller = ctx.broker.controller;
    if (!controller.isActive) {
      const code = Errors.NOT_CONTROLLER.code;
      return { results: names.map((name) => ({ name, errorCode: code, errorMessage: null })) };
    }
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const errors = new Map<string, { errorCode: number; errorMessage: string | null }>();
    const alterable = filterByAuthorized(ctx, Op.ALTER, RT.TOPIC, request.topics.filter((t) => counts.get(t.name) === 1), (t) => t.name);
    const valid = request.topics.filter((t) => {
      if (counts.get(t.name) !== 1) {
        const e = new InvalidRequestError('Duplicate topic in request.');
        errors.set(t.name, { errorCode: e.code, errorMessage: e.message });
        return false;
      }
      if (!alterable.has(t.name)) {
        errors.set(t.name, { errorCode: Errors.TOPIC_AUTHORIZATION_FAILED.code, errorMessage: 'The topic authorization is failed.' });
        return false;
      }
      if (controller.context.isTopicQueuedUpForDeletion(t.name)) {
        const e = new InvalidTopicError('The topic is queued for deletion.');
        errors.set(t.name, { errorCode: e.code, errorMessage: e.message });
        return false;
      }
      return true;
    });
    const results = valid.length === 0 ? new Map() : await ctx.broker.adminManager.createPartitions(request.timeoutMs, valid, request.validateOnly);
    return {
      results: names.map((name) => ({ name, ...(errors.get(name) ?? results.get(name) ?? { errorCode: Errors.INVALID_REQUEST.code, errorMessage: null }) })),
    };
  },
});
