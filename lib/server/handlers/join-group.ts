/**
 * JoinGroup (key 11), v0–9. v0 has no rebalance timeout (the session timeout stands in, as in
 * Kafka's JoinGroupRequest); v4+ dynamic members without an id get MEMBER_ID_REQUIRED and a fresh
 * id (KIP-394); v5+ carry group.instance.id (KIP-345); v7+ answer protocolType and a nullable
 * protocolName (older versions get "" for none); v8 carries a reason; v9 may skip assignment (KIP-814).
 * The member's host is Kafka's clientAddress.toString(): "/<ip>". Needs READ on the group
 * (GROUP_AUTHORIZATION_FAILED).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { authorize } from './auth-helper.js';

export const joinGroupHandler = defineHandler({
  apiKey: ApiKeys.JOIN_GROUP,
  minVersion: 0,
  maxVersion: 9,
  async handle(ctx, request) {
    const v = ctx.apiVersion;
    const groupInstanceId = v >= 5 ? request.groupInstanceId : null;
    if (!authorize(ctx, Op.READ, RT.GROUP, request.groupId)) {
      return { throttleTimeMs: 0, errorCode: Errors.GROUP_AUTHORIZATION_FAILED.code, generationId: -1, protocolName: v >= 7 ? null : '', leader: '', memberId: '', members: [] };
    }
    const result = await ctx.broker.groupCoordinator.handleJoinGroup({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId,
      requireKnownMemberId: v >= 4 && groupInstanceId === null,
      supportSkippingAssignment: v >= 9,
      clientId: ctx.header.clientId ?? '',
      clientHost: `/${ctx.connection.remoteAddress}`,
      rebalanceTimeoutMs: v === 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs,
      sessionTimeoutMs: request.sessionTimeoutMs,
      protocolType: request.protocolType,
      protocols: request.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
      reason: v >= 8 ? request.reason : null,
    });
    return {
      throttleTimeMs: 0,
      errorCode: result.error,
      generationId: result.generationId,
      protocolType: result.protocolType,
      protocolName: v >= 7 ? result.protocolName : result.protocolName ?? '',
      leader: result.leaderId,
      skipAssignment: result.skipAssignment,
      memberId: result.memberId,
      members: result.members,
    };
  },
});
