/**
 * UpdateMetadata (key 6), v0–8: the controller's view of live brokers and partition states,
 * applied through ReplicaManager.maybeUpdateMetadataCache (which refuses an older controller epoch
 * with STALE_CONTROLLER_EPOCH). Needs CLUSTER_ACTION on the cluster (CLUSTER_AUTHORIZATION_FAILED).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';
import { Op } from '../../common/acl.js';
import { authorizeClusterOperation } from './auth-helper.js';
import { controllerRequestError } from './controller-request.js';

export const updateMetadataHandler = defineHandler({
  apiKey: ApiKeys.UPDATE_METADATA,
  minVersion: 0,
  maxVersion: 8,
  async handle(ctx, request) {
    if (!authorizeClusterOperation(ctx, Op.CLUSTER_ACTION)) return { errorCode: Errors.CLUSTER_AUTHORIZATION_FAILED.code };
    const refused = await controllerRequestError(ctx, request);
    if (refused !== Errors.NONE.code) return { errorCode: refused };
    return { errorCode: ctx.broker.replicaManager.maybeUpdateMetadataCache(request) };
  },
});
