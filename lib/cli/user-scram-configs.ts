/**
 * `kafkats configs --entity-type users` for SCRAM credentials, as Kafka's ConfigCommand does them
 * over the admin API (KIP-554): `--alter --add-config 'SCRAM-SHA-256=[iterations=8192,password=…]'`
 * salts and hashes the password here (the password never goes to the broker) and sends
 * AlterUserScramCredentials to the controller; `--delete-config SCRAM-SHA-512` removes one;
 * `--describe` prints the mechanisms and iterations (DescribeUserScramCredentials).
 */
import { randomBytes } from 'node:crypto';
import { ApiKeys } from '../protocol/index.js';
import { Errors } from '../protocol/errors.js';
import { ScramFormatter } from '../security/scram/scram-formatter.js';
import { SCRAM_MECHANISMS, scramMechanismForName, type ScramMechanism } from '../security/scram/scram-mechanism.js';
import type { AdminClient } from './admin-client.js';
import { errorText } from './admin-client.js';
import { CliError, parseConfigList } from './cli-support.js';

const DEFAULT_ITERATIONS = 4096;

function mechanismOf(name: string): ScramMechanism {
  const m = scramMechanismForName(name);
  if (!m) throw new CliError(`Invalid config(s) for user: ${name} (users take ${SCRAM_MECHANISMS.map((x) => x.mechanismName).join(', ')})`);
  return m;
}

function upsertionOf(user: string, name: string, value: string): { name: string; mechanism: number; iterations: number; salt: Buffer; saltedPassword: Buffer } {
  const m = mechanismOf(name);
  const params = parseConfigList(value);
  const password = params.get('password');
  if (password === undefined) throw new CliError(`${name} needs a password: '${name}=[password=…]' (or '[iterations=8192,password=…]')`);
  const iterations = params.has('iterations') ? Number(params.get('iterations')) : DEFAULT_ITERATIONS;
  if (!Number.isInteger(iterations)) throw new CliError(`${name}: iterations must be an integer`);
  const salt = randomBytes(32);
  return { name: user, mechanism: m.type, iterations, salt, saltedPassword: new ScramFormatter(m).saltedPassword(password, salt, iterations) };
}

export async function alterUserScram(admin: AdminClient, user: string, add: ReadonlyMap<string, string>, del: readonly string[]): Promise<void> {
  const upsertions = [...add].map(([name, value]) => upsertionOf(user, name, value));
  const deletions = del.map((name) => ({ name: user, mechanism: mechanismOf(name).type }));
  const r = await admin.sendToController(ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, 0, { deletions, upsertions },
    (res) => res.results.some((x) => x.errorCode === Errors.NOT_CONTROLLER.code));
  const failed = r.results.find((x) => x.errorCode !== Errors.NONE.code);
  if (failed) throw new CliError(errorText(failed.errorCode, failed.errorMessage));
  process.stdout.write(`Completed updating config for user ${user}.\n`);
}

export async function describeUserScram(admin: AdminClient, user: string | null): Promise<void> {
  const r = await admin.sendToAny(ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, 0, { users: user === null ? null : [{ name: user }] });
  if (r.errorCode !== Errors.NONE.code) throw new CliError(errorText(r.errorCode, r.errorMessage));
  const lines: string[] = [];
  for (const res of r.results) {
    if (res.errorCode === Errors.RESOURCE_NOT_FOUND.code) continue;
    if (res.errorCode !== Errors.NONE.code) throw new CliError(errorText(res.errorCode, res.errorMessage));
    const infos = res.credentialInfos.map((c) => `${SCRAM_MECHANISMS.find((m) => m.type === c.mechanism)?.mechanismName ?? c.mechanism}=iterations=${c.iterations}`);
    lines.push(`SCRAM credential configs for user-principal '${res.user}' are ${infos.join(', ')}`);
  }
  process.stdout.write(lines.length > 0 ? lines.join('\n') + '\n' : '');
}
