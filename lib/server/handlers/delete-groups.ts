/**
 * DeleteGroups (key 42), v0–2: deletes Empty groups and their committed offsets (tombstones in
 * __consumer_offsets). NON_EMPTY_GROUP while the group has members, GROUP_ID_NOT_FOUND for a group
 * this coordinator does not have, NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS as usual.
 * Repeated ids are answered once.
 */
import { ApiKeys } from '../../protocol/index.js';
import { defineHandler } from './handler.js';

export const deleteGroupsHandler = defineHandler({
  apiKey: ApiKeys.DELETE_GROUPS,
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx, request) {
    const ids = [...new Set(request.groupsNames)];
    const errors = ctx.broker.groupCoordinator.handleDeleteGroups(ids);
    return { throttleTimeMs: 0, results: ids.map((groupId) => ({ groupId, errorCode: errors.get(groupId) ?? 0 })) };
  },
});
