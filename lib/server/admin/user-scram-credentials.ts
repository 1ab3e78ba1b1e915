/**
 * ZkAdminManager.describeUserScramCredentials / alterUserScramCredentials (KIP-554) over
 * `/config/users/<sanitized user>`: Describe lists each user's mechanisms and iterations (all users
 * when none are named; RESOURCE_NOT_FOUND for a named user without credentials, DUPLICATE_RESOURCE
 * for a user named twice); Alter validates every user first (empty name, UNSUPPORTED_SASL_MECHANISM
 * for an unknown mechanism, UNACCEPTABLE_CREDENTIAL for iterations outside 4096..16384,
 * DUPLICATE_RESOURCE for a user and mechanism twice, RESOURCE_NOT_FOUND for deleting a credential
 * that does not exist), then stores the credential derived from the client's salt and salted
 * password in Kafka's text form and writes a change notification, so every broker's credential
 * cache picks it up. Quota entries of the user are kept.
 */
import { Errors, ApiError } from '../../protocol/errors.js';
import type {
  AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse, DescribeUserScramCredentialsResponse,
} from '../../protocol/generated/types.js';
import type { Input } from '../../protocol/index.js';
import { ConfigType } from '../../zk/config-znodes.js';
import { sanitize, desanitize } from '../../common/sanitizer.js';
import { SCRAM_MECHANISMS, scramMechanismForType, type ScramMechanism } from '../../security/scram/scram-mechanism.js';
import { ScramFormatter } from '../../security/scram/scram-formatter.js';
import { credentialFromString, credentialToString } from '../../security/scram/scram-credential.js';
import type { AdminZkClient } from './admin-zk-client.js';
import { logger } from '../../utils/logger.js';

const log = logger('kafka.server.ZkAdminManager');
const MAX_ITERATIONS = 16384;
const USERNAME_MUST_NOT_BE_EMPTY = 'Username must not be empty';
const DESCRIBE_ERROR = 'Error processing describe user SCRAM credential configs request';

type DescribeResult = NonNullable<Input<DescribeUserScramCredentialsResponse>['results']>[number];
type AlterResult = NonNullable<Input<AlterUserScramCredentialsResponse>['results']>[number];

function apiErrorOf(err: unknown, message: string): { errorCode: number; errorMessage: string } {
  if (err instanceof ApiError) {
    log.info({ err: err.message }, message);
    return { errorCode: err.code, errorMessage: err.message };
  }
  log.error({ err }, message);
  return { errorCode: Errors.UNKNOWN_SERVER_ERROR.code, errorMessage: Errors.UNKNOWN_SERVER_ERROR.message ?? 'unknown' };
}

function credentialInfos(config: Readonly<Record<string, string>>): Array<{ mechanism: number; iterations: number }> {
  return SCRAM_MECHANISMS.filter((m) => config[m.mechanismName] !== undefined)
    .map((m) => ({ mechanism: m.type, iterations: credentialFromString(config[m.mechanismName]!).iterations }));
}

export async function describeUserScramCredentials(admin: AdminZkClient, users: readonly string[] | null): Promise<Input<DescribeUserScramCredentialsResponse>> {
  const results = new Map<string, DescribeResult>();
  const add = (user: string, config: Readonly<Record<string, string>>, explicit: boolean): void => {
    const has = SCRAM_MECHANISMS.some((m) => config[m.mechanismName] !== undefined);
    if (has) {
      try {
        results.set(user, { user, errorCode: Errors.NONE.code, errorMessage: null, credentialInfos: credentialInfos(config) });
      } catch (err) {
        results.set(user, { user, ...apiErrorOf(err, DESCRIBE_ERROR), credentialInfos: [] });
      }
    } else if (explicit) {
      results.set(user, { user, errorCode: Errors.RESOURCE_NOT_FOUND.code, errorMessage: `Attempt to describe a user credential that does not exist: ${user}`, credentialInfos: [] });
    }
  };
  try {
    if (users === null || users.length === 0) {
      for (const sanitized of await admin.zkClient.getAllEntitiesWithConfig(ConfigType.User)) {
        if (sanitized.includes('/') || sanitized === '<default>') continue;
        add(desanitize(sanitized), await admin.fetchEntityConfig(ConfigType.User, sanitized), false);
      }
      return { throttleTimeMs: 0, errorCode: Errors.NONE.code, errorMessage: null, results: [...results.keys()].sort().map((u) => results.get(u)!) };
    }
    const counts = new Map<string, number>();
    for (const u of users) counts.set(u, (counts.get(u) ?? 0) + 1);
    for (const [u, n] of counts) {
      if (u === '') results.set(u, { user: u, errorCode: Errors.RESOURCE_NOT_FOUND.code, errorMessage: USERNAME_MUST_NOT_BE_EMPTY, credentialInfos: [] });
      else if (n > 1) results.set(u, { user: u, errorCode: Errors.DUPLICATE_RESOURCE.code, errorMessage: `Cannot describe SCRAM credentials for the same user twice in a single request: ${u}`, credentialInfos: [] });
      else {
        try {
          add(u, await admin.fetchEntityConfig(ConfigType.User, sanitize(u)), true);
        } catch (err) {
          results.set(u, { user: u, ...apiErrorOf(err, DESCRIBE_ERROR), credentialInfos: [] });
        }
      }
    }
    return { throttleTimeMs: 0, errorCode: Errors.NONE.code, errorMessage: null, results: [...counts.keys()].map((u) => results.get(u)!) };
  } catch (err) {
    return { throttleTimeMs: 0, ...apiErrorOf(err, DESCRIBE_ERROR), results: [] };
  }
}

export async function alterUserScramCredentials(admin: AdminZkClient, request: AlterUserScramCredentialsRequest): Promise<Input<AlterUserScramCredentialsResponse>> {
  const results: AlterResult[] = [];
  const illegal = new Map<string, string>();
  for (const d of request.deletions) {
    if (d.name === '') illegal.set(d.name, USERNAME_MUST_NOT_BE_EMPTY);
    else if (!scramMechanismForType(d.mechanism)) illegal.set(d.name, 'Unknown SCRAM mechanism');
  }
  for (const u of request.upsertions) {
    const m = scramMechanismForType(u.mechanism);
    if (u.name === '') illegal.set(u.name, USERNAME_MUST_NOT_BE_EMPTY);
    else if (!m) illegal.set(u.name, 'Unknown SCRAM mechanism');
    else if (u.iterations < m.minIterations || u.iterations > MAX_ITERATIONS) illegal.set(u.name, u.iterations > MAX_ITERATIONS ? 'Too many iterations' : 'Too few iterations');
  }
  for (const [user, msg] of illegal) {
    results.push({ user, errorCode: msg === 'Unknown SCRAM mechanism' ? Errors.UNSUPPORTED_SASL_MECHANISM.code : Errors.UNACCEPTABLE_CREDENTIAL.code, errorMessage: msg });
  }
  const pairs = [...request.upsertions, ...request.deletions].filter((x) => !illegal.has(x.name)).map((x) => `${x.mechanism}\u0000${x.name}`);
  const duplicated = new Set(pairs.filter((p, i) => pairs.indexOf(p) !== i).map((p) => p.substring(p.indexOf('\u0000') + 1)));
  for (const user of duplicated) results.push({ user, errorCode: Errors.DUPLICATE_RESOURCE.code, errorMessage: 'A user credential cannot be altered twice in the same request' });
  const valid = [...new Set(pairs.map((p) => p.substring(p.indexOf('\u0000') + 1)))].filter((u) => !duplicated.has(u));
  const configs = new Map<string, Record<string, string>>();
  for (const u of valid) configs.set(u, { ...(await admin.fetchEntityConfig(ConfigType.User, sanitize(u))) });
  const mechanismName = (type: number): string => (scramMechanismForType(type) as ScramMechanism).mechanismName;
  const missingDeletions = new Set(request.deletions.filter((d) => configs.has(d.name) && configs.get(d.name)![mechanismName(d.mechanism)] === undefined).map((d) => d.name));
  for (const user of missingDeletions) results.push({ user, errorCode: Errors.RESOURCE_NOT_FOUND.code, errorMessage: 'Attempt to delete a user credential that does not exist' });
  for (const user of valid.filter((u) => !missingDeletions.has(u))) {
    try {
      const config = configs.get(user)!;
      for (const d of request.deletions.filter((x) => x.name === user)) delete config[mechanismName(d.mechanism)];
      for (const u of request.upsertions.filter((x) => x.name === user)) {
        const m = scramMechanismForType(u.mechanism)!;
        config[m.mechanismName] = credentialToString(new ScramFormatter(m).credentialFromSaltedPassword(Buffer.from(u.salt), Buffer.from(u.saltedPassword), u.iterations));
      }
      await admin.changeEntityConfig(ConfigType.User, sanitize(user), config);
      results.push({ user, errorCode: Errors.NONE.code, errorMessage: null });
    } catch (err) {
      log.info({ err }, 'Error encountered while altering user SCRAM credentials');
      results.push({ user, errorCode: err instanceof ApiError ? err.code : Errors.UNKNOWN_SERVER_ERROR.code, errorMessage: err instanceof ApiError ? err.message : (Errors.UNKNOWN_SERVER_ERROR.message ?? null) });
    }
  }
  return { throttleTimeMs: 0, results };
}
