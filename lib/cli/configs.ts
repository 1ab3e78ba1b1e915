/**
 * `kafkats configs` — Kafka's kafka-configs.sh (ConfigCommand) for topics, brokers and broker loggers:
 * --describe prints `Dynamic configs for topic t are:` (or `All configs …` with --all) and one
 * `  key=value sensitive=false synonyms={SOURCE:key=value, …}` line per entry; --alter applies
 * --add-config k=v,k2=[a,b] and --delete-config k,k2 with IncrementalAlterConfigs (SET/DELETE),
 * sent to any broker for a topic and to the broker itself for a broker resource, and prints
 * `Completed updating config for topic t.`. Broker loggers (`--entity-type broker-loggers
 * --entity-name <id>`) list every logger with its level and change levels at runtime; a logger the
 * broker does not have is refused before anything is sent (`Invalid broker logger(s): …`). Users' SCRAM
 * credentials: lib/cli/user-scram-configs.ts.
 */
import type { Command } from 'commander';
import { ApiKeys } from '../protocol/index.js';
import { ConfigSource } from '../config/config-def.js';
import { type AdminClient, errorText, withAdmin } from './admin-client.js';
import { COMMAND_CONFIG_HELP, commandConfigSecurity } from './command-config.js';
import { CliError, cliAction, parseBootstrapServers, parseConfigList } from './cli-support.js';
import { Errors } from '../protocol/errors.js';
import { alterUserScram, describeUserScram } from './user-scram-configs.js';

interface ConfigsOptions {
  bootstrapServer?: string;
  commandConfig?: string;
  entityType?: string;
  entityName?: string;
  entityDefault?: boolean;
  topic?: string;
  broker?: string;
  describe?: boolean;
  alter?: boolean;
  all?: boolean;
  addConfig?: string;
  deleteConfig?: string;
}

const RESOURCE_TYPE = { topics: 2, brokers: 4, 'broker-loggers': 8 } as const;
const SOURCE_NAMES = new Map<number, string>(Object.entries(ConfigSource).map(([k, v]) => [v, k]));

export function registerConfigs(program: Command): void {
  program
    .command('configs')
    .description('describe and change topic and broker configs (Kafka\'s kafka-configs.sh)')
    .option('--bootstrap-server <servers>', 'the brokers to connect to: host:port[,host:port…]')
    .option('--command-config <file>', COMMAND_CONFIG_HELP)
    .option('--entity-type <type>', 'topics, brokers, broker-loggers or users (SCRAM credentials)')
    .option('--entity-name <name>', 'topic name, broker id or user name')
    .option('--entity-default', 'with --entity-type brokers: the cluster-wide broker default')
    .option('--topic <topic>', 'shorthand for --entity-type topics --entity-name <topic>')
    .option('--broker <id>', 'shorthand for --entity-type brokers --entity-name <id>')
    .option('--describe', 'list the configs of the entity')
    .option('--all', 'with --describe: every config, not only the dynamic ones')
    .option('--alter', 'change the configs of the entity')
    .option('--add-config <k=v,…>', 'configs to set: k1=v1,k2=[v1,v2],k3=v3')
    .option('--delete-config <k,…>', 'configs to remove: k1,k2')
    .addHelpText('after', `
Examples:
  kafkats configs --bootstrap-server localhost:9092 --entity-type topics --entity-name orders --alter --add-config retention.ms=3600000,cleanup.policy=[compact,delete]
  kafkats configs --bootstrap-server localhost:9092 --entity-type brokers --entity-name 0 --describe --all
  kafkats configs --bootstrap-server localhost:9092 --entity-type brokers --entity-default --alter --add-config log.retention.ms=86400000
  kafkats configs --bootstrap-server localhost:9092 --entity-type broker-loggers --entity-name 0 --alter --add-config kafka.controller=DEBUG
  kafkats configs --bootstrap-server localhost:9092 --entity-type users --entity-name alice --alter --add-config 'SCRAM-SHA-512=[password=alice-secret]'`)
    .action(cliAction('configs', runConfigs));
}

interface Entity {
  type: 'topics' | 'brokers' | 'broker-loggers';
  name: string;
}

function entityOf(opts: ConfigsOptions): Entity {
  if (opts.topic !== undefined) return { type: 'topics', name: opts.topic };
  if (opts.broker !== undefined) return { type: 'brokers', name: opts.broker };
  const type = opts.entityType;
  if (type !== 'topics' && type !== 'brokers' && type !== 'broker-loggers') throw new CliError(`--entity-type must be topics, brokers, broker-loggers or users${type ? `, got '${type}'` : ''}`);
  if (opts.entityDefault) {
    if (type !== 'brokers') throw new CliError('--entity-default is only valid with --entity-type brokers');
    return { type, name: '' };
  }
  if (opts.entityName === undefined || opts.entityName === '') throw new CliError('--entity-name (or --entity-default) is required');
  if (type !== 'topics' && !/^\d+$/.test(opts.entityName)) throw new CliError(`The entity name for ${type} must be a valid integer broker id, but it is: ${opts.entityName}`);
  return { type, name: opts.entityName };
}

function label(e: Entity): string {
  if (e.type === 'topics') return `topic ${e.name}`;
  if (e.type === 'broker-loggers') return `broker-logger ${e.name}`;
  return e.name === '' ? 'the broker default' : `broker ${e.name}`;
}

async function runConfigs(opts: ConfigsOptions): Promise<void> {
  if (Boolean(opts.describe) === Boolean(opts.alter)) throw new CliError('exactly one of --describe or --alter is required');
  const bootstrap = parseBootstrapServers(opts.bootstrapServer);
  if (opts.entityType === 'users') {
    await withAdmin(bootstrap, (admin) => runUsers(admin, opts), 'kafkats-configs', commandConfigSecurity(opts.commandConfig, 'kafkats-configs'));
    return;
  }
  const entity = entityOf(opts);
  await withAdmin(bootstrap, async (admin) => {
    if (opts.describe) await describe(admin, entity, opts.all === true);
    else await alter(admin, entity, opts);
  }, 'kafkats-configs', commandConfigSecurity(opts.commandConfig, 'kafkats-configs'));
}

async function runUsers(admin: AdminClient, opts: ConfigsOptions): Promise<void> {
  const user = opts.entityName === undefined || opts.entityName === '' ? null : opts.entityName;
  if (opts.describe) return describeUserScram(admin, user);
  if (user === null) throw new CliError('--entity-name is required to --alter a user');
  const add = opts.addConfig !== undefined ? parseConfigList(opts.addConfig) : new Map<string, string>();
  const del = opts.deleteConfig !== undefined ? opts.deleteConfig.split(',').map((k) => k.trim()).filter((k) => k !== '') : [];
  if (add.size === 0 && del.length === 0) throw new CliError('--alter needs --add-config and/or --delete-config');
  return alterUserScram(admin, user, add, del);
}

/** Where a request about `e` goes: the broker itself for one broker (or its loggers), any broker otherwise. */
async function addressFor(admin: AdminClient, e: Entity): Promise<string | null> {
  return e.type !== 'topics' && e.name !== '' ? admin.addressOf(Number(e.name)) : null;
}

/** DescribeConfigs v4 of one entity, from the broker addressFor picks. */
async function describeEntries(admin: AdminClient, e: Entity) {
  const body = { resources: [{ resourceType: RESOURCE_TYPE[e.type], resourceName: e.name, configurationKeys: null }], includeSynonyms: true, includeDocumentation: false };
  const address = await addressFor(admin, e);
  const r = address !== null ? await admin.send(address, ApiKeys.DESCRIBE_CONFIGS, 4, body) : await admin.sendToAny(ApiKeys.DESCRIBE_CONFIGS, 4, body);
  const res = r.results[0];
  if (!res) throw new CliError('the broker answered DescribeConfigs without a result');
  if (res.errorCode !== Errors.NONE.code) throw new CliError(errorText(res.errorCode, res.errorMessage));
  return res.configs;
}

async function describe(admin: AdminClient, e: Entity, all: boolean): Promise<void> {
  const configs = await describeEntries(admin, e);
  // Kafka's ConfigCommand shows the entity's own dynamic entries unless --all is given (every logger for broker loggers).
  const own = e.type === 'topics' ? ConfigSource.DYNAMIC_TOPIC_CONFIG : e.type === 'broker-loggers' ? null
    : e.name === '' ? ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG : ConfigSource.DYNAMIC_BROKER_CONFIG;
  const entries = configs.filter((c) => all || own === null || c.configSource === own).sort((a, b) => a.name.localeCompare(b.name));
  const lines = [e.type === 'brokers' && e.name === '' ? 'Default configs for brokers in the cluster are:' : `${all ? 'All' : 'Dynamic'} configs for ${label(e)} are:`];
  for (const c of entries) {
    const synonyms = c.synonyms.map((s) => `${SOURCE_NAMES.get(s.source) ?? s.source}:${s.name}=${c.isSensitive ? 'null' : (s.value ?? 'null')}`);
    lines.push(`  ${c.name}=${c.isSensitive ? 'null' : (c.value ?? 'null')} sensitive=${c.isSensitive} synonyms={${synonyms.join(', ')}}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

async function alter(admin: AdminClient, e: Entity, opts: ConfigsOptions): Promise<void> {
  const add = opts.addConfig !== undefined ? parseConfigList(opts.addConfig) : new Map<string, string>();
  const del = opts.deleteConfig !== undefined ? opts.deleteConfig.split(',').map((k) => k.trim()).filter((k) => k !== '') : [];
  if (add.size === 0 && del.length === 0) throw new CliError('--alter needs --add-config and/or --delete-config');
  for (const k of del) if (add.has(k)) throw new CliError(`config '${k}' is both added and deleted`);
  if (e.type === 'broker-loggers') {
    // Kafka's ConfigCommand: every named logger must exist on that broker.
    const valid = new Set((await describeEntries(admin, e)).map((c) => c.name));
    const invalid = [...del, ...add.keys()].filter((n) => !valid.has(n));
    if (invalid.length > 0) throw new CliError(`Invalid broker logger(s): ${invalid.join(',')}`);
  }
  const configs = [
    ...[...add].map(([name, value]) => ({ name, configOperation: 0 /* SET */, value })),
    ...del.map((name) => ({ name, configOperation: 1 /* DELETE */, value: null })),
  ];
  const body = { resources: [{ resourceType: RESOURCE_TYPE[e.type], resourceName: e.name, configs }], validateOnly: false };
  const address = await addressFor(admin, e);
  const r = address !== null ? await admin.send(address, ApiKeys.INCREMENTAL_ALTER_CONFIGS, 1, body) : await admin.sendToAny(ApiKeys.INCREMENTAL_ALTER_CONFIGS, 1, body);
  const res = r.responses[0];
  if (!res) throw new CliError('the broker answered IncrementalAlterConfigs without a result');
  if (res.errorCode !== Errors.NONE.code) throw new CliError(errorText(res.errorCode, res.errorMessage));
  process.stdout.write(e.type === 'brokers' && e.name === '' ? 'Completed updating default config for brokers in the cluster.\n' : `Completed updating config for ${label(e)}.\n`);
}
