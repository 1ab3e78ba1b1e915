/**
 * AlterUserScramCredentials (key 51), v0 (KIP-554): upserts (from the client's salt and salted
 * password) and deletes SCRAM credentials in `/config/users`, with a change notification so every
 * broker's credential cache follows. In ZooKeeper mode only the active controller takes it
 * (NOT_CONTROLLER for every user otherwise), as Kafka's KafkaApis. Kafka authorizes ALTER on the
 * cluster; that check comes with the authorizer.
 */
import { ApiKeys } from '../../protocol/index.js';
import { Errors } from '../../protocol/errors.js';
import { defineHandler } from './handler.js';
import { alterUserScramCredentials } from '../admin/user-scram-credentials.js';

export const alterUserScramCredentialsHandler = defineHandler({
  apiKey: ApiKeys.ALTER_USER_SCRAM_CREDENTIALS,
  minVersion: 0,
  maxVersion: 0,
  async handle(ctx, request) {
    if (!ctx.broker.controller.isActive) {
      const users = [...new Set([...request.deletions, ...request.upsertions].map((x) => x.name))];
      return { throttleTimeMs: 0, results: users.map((user) => ({ user, errorCode: Errors.NOT_CONTROLLER.code, errorMessage: Errors.NOT_CONTROLLER.message })) };
    }
    return alterUserScramCredentials(ctx.broker.adminManager.adminZkClient, request);
  },
});
