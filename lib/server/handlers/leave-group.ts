/**
 * LeaveGroup (key 13), v0–5. v0–2 name one member and answer a single error (the top-level one,
 * else the member's, as Kafka's LeaveGroupResponse folds them); v3+ remove a batch of members,
 * static ones possibly by group.instance.id alone (KIP-345 admin removal), with one error each;
 * v5 carries a reason per member. Needs READ on the group (GROUP_AUTHORIZATION_FAILED).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { authorize } from './auth-helper.js';

export const leaveGroupHandler = defineHandler({
  apiKey: ApiKeys.LEAVE_GROUP,
  minVersion: 0,
  maxVersion: 5,
  async handle(ctx, request) {
    const v = ctx.apiVersion;
    if (!authorize(ctx, Op.READ, RT.GROUP, request.groupId)) return { throttleTimeMs: 0, errorCode: Errors.GROUP_AUTHORIZATION_FAILED.code, members: [] };
    const members = v >= 3
      ? request.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, reason: v >= 5 ? m.reason : null }))
      : [{ memberId: request.memberId, groupInstanceId: null, reason: null }];
    const result = ctx.broker.groupCoordinator.handleLeaveGroup(request.groupId, members);
    if (v <= 2) {
      const memberError = result.memberResponses.find((r) => r.error !== Errors.NONE.code)?.error ?? Errors.NONE.code;
      return { throttleTimeMs: 0, errorCode: result.topLevelError !== Errors.NONE.code ? result.topLevelError : memberError };
    }
    return {
      throttleTimeMs: 0,
      errorCode: result.topLevelError,
      members: result.memberResponses.map((r) => ({ memberId: r.memberId, groupInstanceId: r.groupInstanceId, errorCode: r.error })),
    };
  },
});
