/**
 * ListGroups (key 16), v0–4: the groups this broker coordinates (id and protocol type; v4+ the
 * state, and a case-insensitive states filter). COORDINATOR_LOAD_IN_PROGRESS while any of its
 * __consumer_offsets partitions is loading, with the groups known so far.
 */
import { ApiKeys } from '../../protocol/index.js';
import { defineHandler } from './handler.js';

export const listGroupsHandler = defineHandler({
  apiKey: ApiKeys.LIST_GROUPS,
  minVersion: 0,
  maxVersion: 4,
  async handle(ctx, request) {
    const { error, groups } = ctx.broker.groupCoordinator.handleListGroups(ctx.apiVersion >= 4 ? request.statesFilter : []);
    return {
      throttleTimeMs: 0,
      errorCode: error,
      groups: groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.state })),
    };
  },
});
