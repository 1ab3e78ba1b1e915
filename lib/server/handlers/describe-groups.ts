/**
 * DescribeGroups (key 15), v0–5: state, protocol type, selected protocol and members of each
 * group (member metadata and assignments only while Stable, as Kafka). An unknown group is
 * described as Dead with no members and no error; a group this broker does not coordinate gets
 * NOT_COORDINATOR with an empty state. Each group needs DESCRIBE (GROUP_AUTHORIZATION_FAILED).
 * v3+ may ask for the principal's authorized operations on each group described without error
 * (with no authorizer, every group operation: READ, DELETE, DESCRIBE).
 */
import { ApiKeys } from '../../protocol/index.js';
import { defineHandler } from './handler.js';
import { Errors } from '../../protocol/errors.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { AUTHORIZED_OPERATIONS_OMITTED, authorize, authorizedOperations } from './auth-helper.js';

/** Bit field of AclOperation codes READ(3), DELETE(6), DESCRIBE(8): a group's operations. */
export const GROUP_AUTHORIZED_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);

export const describeGroupsHandler = defineHandler({
  apiKey: ApiKeys.DESCRIBE_GROUPS,
  minVersion: 0,
  maxVersion: 5,
  async handle(ctx, request) {
    const includeOps = ctx.apiVersion >= 3 && request.includeAuthorizedOperations;
    return {
      throttleTimeMs: 0,
      groups: request.groups.map((groupId) => {
        if (!authorize(ctx, Op.DESCRIBE, RT.GROUP, groupId)) {
          return { errorCode: Errors.GROUP_AUTHORIZATION_FAILED.code, groupId, groupState: '', protocolType: '', protocolData: '', members: [] };
        }
        const { error, summary } = ctx.broker.groupCoordinator.handleDescribeGroup(groupId);
        return {
          errorCode: error,
          groupId,
          groupState: summary.state,
          protocolType: summary.protocolType,
          protocolData: summary.protocol,
          members: summary.members.map((m) => ({
            memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost,
            memberMetadata: m.metadata, memberAssignment: m.assignment,
          })),
          authorizedOperations: includeOps && error === Errors.NONE.code ? authorizedOperations(ctx, RT.GROUP, groupId) : AUTHORIZED_OPERATIONS_OMITTED,
        };
      }),
    };
  },
});
