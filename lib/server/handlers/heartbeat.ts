/**
 * Heartbeat (key 12), v0–4: keeps a member's session alive; REBALANCE_IN_PROGRESS tells it to
 * rejoin, UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION / FENCED_INSTANCE_ID that it was dropped or is stale.
 * v3+ carry group.instance.id. Needs READ on the group (GROUP_AUTHORIZATION_FAILED).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { authorize } from './auth-helper.js';

export const heartbeatHandler = defineHandler({
  apiKey: ApiKeys.HEARTBEAT,
  minVersion: 0,
  maxVersion: 4,
  async handle(ctx, request) {
    if (!authorize(ctx, Op.READ, RT.GROUP, request.groupId)) return { throttleTimeMs: 0, errorCode: Errors.GROUP_AUTHORIZATION_FAILED.code };
    const errorCode = ctx.broker.groupCoordinator.handleHeartbeat(
      request.groupId, request.memberId, ctx.apiVersion >= 3 ? request.groupInstanceId : null, request.generationId);
    return { throttleTimeMs: 0, errorCode };
  },
});
