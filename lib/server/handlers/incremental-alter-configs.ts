/**
 * IncrementalAlterConfigs (key 44), v0–1, answered by any broker
 * (ZkAdminManager.incrementalAlterConfigs): per key SET (0), DELETE (1), APPEND (2) or SUBTRACT (3)
 * applied to the stored overrides (APPEND/SUBTRACT only on list keys), validated, then written to
 * /config/topics/<t> with a /config/changes notification unless validateOnly. A key twice in one
 * resource, or a resource twice, is INVALID_REQUEST.
 */
import { ApiKeys } from '../../protocol/index.js';
import { defineHandler } from './handler.js';

export const incrementalAlterConfigsHandler = defineHandler({
  apiKey: ApiKeys.INCREMENTAL_ALTER_CONFIGS,
  minVersion: 0,
  maxVersion: 1,
  async handle(ctx, request) {
    return { responses: await ctx.broker.adminManager.incrementalAlterConfigs(request.resources, request.validateOnly) };
  },
});
