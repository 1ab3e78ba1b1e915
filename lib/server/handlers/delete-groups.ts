/**
 * DeleteGroups (key 42), v0–2: deletes Empty groups and their committed offsets (tombstones in
 * __consumer_offsets). NON_EMPTY_GROUP while the group has members, GROUP_ID_NOT_FOUND for a group
 * this coordinator does not have, NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS as usual.
 * Repeated ids are answered once. Each group needs DELETE (GROUP_AUTHORIZATION_FAILED).
 */
import { ApiKeys } from '../../protocol/index.js';
import { defineHandler } from './handler.js';
import { Errors } from '../../protocol/errors.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { partitionByAuthorized } from './auth-helper.js';

export const deleteGroupsHandler = defineHandler({
  apiKey: ApiKeys.DELETE_GROUPS,
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx, request) {
    const ids = [...new Set(request.groupsNames)];
    const [allowed, denied] = partitionByAuthorized(ctx, Op.DELETE, RT.GROUP, ids, (g) => g);
    const errors = allowed.length === 0 ? new Map<string, number>() : ctx.broker.groupCoordinator.handleDeleteGroups(allowed);
    return {
      throttleTimeMs: 0,
      results: [
        ...allowed.map((groupId) => ({ groupId, errorCode: errors.get(groupId) ?? 0 })),
        ...denied.map((groupId) => ({ groupId, errorCode: Errors.GROUP_AUTHORIZATION_FAILED.code })),
      ],
    };
  },
});
