/**
 * Heartbeat (key 12), v0–4: keeps a member's session alive; REBALANCE_IN_PROGRESS tells it to
 * rejoin, UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION / FENCED_INSTANCE_ID that it was dropped or is stale.
 * v3+ carry group.instance.id.
 */
import { ApiKeys } from '../../protocol/index.js';
import { defineHandler } from './handler.js';

export const heartbeatHandler = defineHandler({
  apiKey: ApiKeys.HEARTBEAT,
  minVersion: 0,
  maxVersion: 4,
  async handle(ctx, request) {
    const errorCode = ctx.broker.groupCoordinator.handleHeartbeat(
      request.groupId, request.memberId, ctx.apiVersion >= 3 ? request.groupInstanceId : null, request.generationId);
    return { throttleTimeMs: 0, errorCode };
  },
});
