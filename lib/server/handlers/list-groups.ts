/**
 * ListGroups (key 16), v0–5: the groups this broker coordinates (id and protocol type; v4+ the
 * state, and a case-insensitive states filter; v5+ the type — every group here is "classic" — and a
 * case-insensitive types filter, KIP-848). COORDINATOR_LOAD_IN_PROGRESS while any of its
 * __consumer_offsets partitions is loading, with the groups known so far. Without DESCRIBE on the
 * cluster only the groups the principal may DESCRIBE are listed.
 */
import { ApiKeys } from '../../protocol/index.js';
import { defineHandler } from './handler.js';
import { Op } from '../../common/acl.js';
import { RT } from '../../common/resource.js';
import { authorize, authorizeClusterOperation } from './auth-helper.js';

/** Kafka's GroupType.CLASSIC: the group protocol kafkats serves (no KIP-848 consumer groups). */
const CLASSIC_GROUP_TYPE = 'classic';

export const listGroupsHandler = defineHandler({
  apiKey: ApiKeys.LIST_GROUPS,
  minVersion: 0,
  maxVersion: 5,
  async handle(ctx, request) {
    const { error, groups: all } = ctx.broker.groupCoordinator.handleListGroups(ctx.apiVersion >= 4 ? request.statesFilter : []);
    const types = ctx.apiVersion >= 5 ? request.typesFilter.map((t) => t.toLowerCase()) : [];
    const groups = types.length === 0 || types.includes(CLASSIC_GROUP_TYPE) ? all : [];
    // DESCRIBE on the cluster lists every group; otherwise only those the principal may DESCRIBE.
    const visible = authorizeClusterOperation(ctx, Op.DESCRIBE, { logIfDenied: false }) ? groups
      : groups.filter((g) => authorize(ctx, Op.DESCRIBE, RT.GROUP, g.groupId, { logIfDenied: false }));
    return {
      throttleTimeMs: 0,
      errorCode: error,
      groups: visible.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.state, groupType: CLASSIC_GROUP_TYPE })),
    };
  },
});
