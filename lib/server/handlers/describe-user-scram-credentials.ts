/**
 * DescribeUserScramCredentials (key 50), v0 (KIP-554): the SCRAM mechanisms and iterations of the
 * named users, or of all users, read from `/config/users` (ZkAdminManager.describeUserScramCredentials).
 * Kafka authorizes DESCRIBE on the cluster; that check comes with the authorizer.
 */
import { ApiKeys } from '../../protocol/index.js';
import { defineHandler } from './handler.js';
import { describeUserScramCredentials } from '../admin/user-scram-credentials.js';

export const describeUserScramCredentialsHandler = defineHandler({
  apiKey: ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS,
  minVersion: 0,
  maxVersion: 0,
  async handle(ctx, request) {
    return describeUserScramCredentials(ctx.broker.adminManager.adminZkClient, request.users === null ? null : request.users.map((u) => u.name));
  },
});
