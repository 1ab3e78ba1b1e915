/**
 * DescribeUserScramCredentials (key 50), v0 (KIP-554): the SCRAM mechanisms and iterations of the
 * named users, or of all users, read from `/config/users` (ZkAdminManager.describeUserScramCredentials).
 * DESCRIBE on the cluster is required (CLUSTER_AUTHORIZATION_FAILED otherwise).
 */
import { ApiKeys } from '../../protocol/index.js';
import { defineHandler } from './handler.js';
import { describeUserScramCredentials } from '../admin/user-scram-credentials.js';
import { authorizeClusterOperation } from './auth-helper.js';
import { Op } from '../../common/acl.js';
import { Errors } from '../../protocol/errors.js';

export const describeUserScramCredentialsHandler = defineHandler({
  apiKey: ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS,
  minVersion: 0,
  maxVersion: 0,
  async handle(ctx, request) {
    if (!authorizeClusterOperation(ctx, Op.DESCRIBE)) {
      return { throttleTimeMs: 0, errorCode: Errors.CLUSTER_AUTHORIZATION_FAILED.code, errorMessage: Errors.CLUSTER_AUTHORIZATION_FAILED.message, results: [] };
    }
    return describeUserScramCredentials(ctx.broker.adminManager.adminZkClient, request.users === null ? null : request.users.map((u) => u.name));
  },
});
