/**
 * DescribeCluster (key 60), v0–1: cluster id, controller id and live brokers (on the client's
 * listener), as the admin client's describeCluster shows them. v1 asks for an endpoint type:
 * only brokers (1) exist in ZooKeeper mode; controllers (2) answer UNSUPPORTED_ENDPOINT_TYPE.
 * includeClusterAuthorizedOperations answers the principal's cluster operations (0 without DESCRIBE).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';
import { Op } from '../../common/acl.js';
import { CLUSTER_NAME, RT } from '../../common/resource.js';
import { AUTHORIZED_OPERATIONS_OMITTED, authorizeClusterOperation, authorizedOperations } from './auth-helper.js';

const BROKERS_ENDPOINT_TYPE = 1;

export const describeClusterHandler = defineHandler({
  apiKey: ApiKeys.DESCRIBE_CLUSTER,
  minVersion: 0,
  maxVersion: 1,
  async handle(ctx, request) {
    if (ctx.apiVersion >= 1 && request.endpointType !== BROKERS_ENDPOINT_TYPE) {
      return { errorCode: Errors.UNSUPPORTED_ENDPOINT_TYPE.code, errorMessage: 'Only brokers can be described in ZooKeeper mode', endpointType: request.endpointType, clusterId: ctx.broker.clusterId };
    }
    const cache = ctx.broker.metadataCache;
    return {
      throttleTimeMs: 0,
      errorCode: Errors.NONE.code,
      errorMessage: null,
      endpointType: BROKERS_ENDPOINT_TYPE,
      clusterId: ctx.broker.clusterId,
      controllerId: cache.getControllerId() ?? -1,
      brokers: cache.getAliveBrokers().flatMap((b) => {
        const ep = b.endpoints.find((e) => e.listener === ctx.listenerName);
        return ep ? [{ brokerId: b.id, host: ep.host, port: ep.port, rack: b.rack }] : [];
      }),
      clusterAuthorizedOperations: !request.includeClusterAuthorizedOperations ? AUTHORIZED_OPERATIONS_OMITTED
        : authorizeClusterOperation(ctx, Op.DESCRIBE) ? authorizedOperations(ctx, RT.CLUSTER, CLUSTER_NAME) : 0,
    };
  },
});
