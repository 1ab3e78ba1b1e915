/**
 * AlterUserScramCredentials (key 51), v0 (KIP-554): upserts (from the client's salt and salted
 * password) and deletes SCRAM credentials in `/config/users`, with a change notification so every
 * broker's credential cache follows. In ZooKeeper mode only the active controller takes it
 * (NOT_CONTROLLER for every user otherwise), as Kafka's KafkaApis, and ALTER on the cluster is
 * required (CLUSTER_AUTHORIZATION_FAILED for every user otherwise).
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors, type ErrorInfo } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';
import { alterUserScramCredentials } from '../admin/user-scram-credentials.js';
import { authorizeClusterOperation } from './auth-helper.js';
import { Op } from '../../common/acl.js';

export const alterUserScramCredentialsHandler = defineHandler({
  apiKey: ApiKeys.ALTER_USER_SCRAM_CREDENTIALS,
  minVersion: 0,
  maxVersion: 0,
  async handle(ctx, request) {
    const users = [...new Set([...request.deletions, ...request.upsertions].map((x) => x.name))];
    const failAll = (e: ErrorInfo) => ({ throttleTimeMs: 0, results: users.map((user) => ({ user, errorCode: e.code, errorMessage: e.message })) });
    if (!ctx.broker.controller.isActive) return failAll(Errors.NOT_CONTROLLER);
    if (!authorizeClusterOperation(ctx, Op.ALTER)) return failAll(Errors.CLUSTER_AUTHORIZATION_FAILED);
    return alterUserScramCredentials(ctx.broker.adminManager.adminZkClient, request);
  },
});
