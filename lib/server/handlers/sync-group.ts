/**
 * SyncGroup (key 14), v0–5: the leader sends the assignment, every member gets its own (members
 * the leader left out get an empty one). v3+ carry group.instance.id; from v5 protocolType and
 * protocolName are mandatory (Errors.INCONSISTENT_GROUP_PROTOCOL.code when missing or different from the
 * group's) and are echoed in the response. Needs READ on the group (GROUP_AUTHORIZATION_FAILED).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { authorize } from './auth-helper.js';


export const syncGroupHandler = defineHandler({
  apiKey: ApiKeys.SYNC_GROUP,
  minVersion: 0,
  maxVersion: 5,
  async handle(ctx, request) {
    const v = ctx.apiVersion;
    if (v >= 5 && (request.protocolType === null || request.protocolName === null)) {
      return { throttleTimeMs: 0, errorCode: Errors.INCONSISTENT_GROUP_PROTOCOL.code, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
    }
    if (!authorize(ctx, Op.READ, RT.GROUP, request.groupId)) {
      return { throttleTimeMs: 0, errorCode: Errors.GROUP_AUTHORIZATION_FAILED.code, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
    }
    const assignments = new Map<string, Buffer>();
    for (const a of request.assignments) assignments.set(a.memberId, a.assignment);
    const result = await ctx.broker.groupCoordinator.handleSyncGroup({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      protocolType: v >= 5 ? request.protocolType : null,
      protocolName: v >= 5 ? request.protocolName : null,
      groupInstanceId: v >= 3 ? request.groupInstanceId : null,
      assignments,
    });
    return {
      throttleTimeMs: 0,
      errorCode: result.error,
      protocolType: result.protocolType,
      protocolName: result.protocolName,
      assignment: result.memberAssignment,
    };
  },
});
