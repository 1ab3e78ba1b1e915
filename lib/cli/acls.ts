/**
 * `kafkats acls` — Kafka's kafka-acls.sh (AclCommand): --add, --remove, --list ACLs through the
 * admin API (--bootstrap-server; CreateAcls / DeleteAcls / DescribeAcls), or — Kafka's deprecated
 * path — straight into ZooKeeper with --authorizer-properties zookeeper.connect=host:port[/chroot],
 * which writes Kafka's znodes and change notifications as the AclAuthorizer does.
 * Flags as Kafka's: --allow-principal/--deny-principal, --allow-host/--deny-host (default `*`),
 * --operation (default All), resources --topic, --group, --cluster, --transactional-id,
 * --delegation-token, --user-principal, --resource-pattern-type (literal, prefixed; any, match to
 * --list/--remove), the --producer/--consumer (and --idempotent) conveniences, --principal for
 * --list and --force to remove without asking. Output as AclCommand's: `Adding ACLs for resource
 * \`ResourcePattern(…)\`:` and `Current ACLs for resource …` with one `\t(principal=…)` line per ACL.
 */
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { ApiKeys } from '../protocol/index.js';
import { Errors } from '../protocol/errors.js';
import {
  AclOperation, aceKey, aceToString, ANY_ENTRY_FILTER, Op, Permission, SUPPORTED_OPERATIONS, WILDCARD_HOST,
  type AccessControlEntry, type AclBinding, type AclBindingFilter,
} from '../common/acl.js';
import {
  CLUSTER_NAME, isSpecificPatternType, PatternType, PT, ResourceType, RT, resourcePatternKey, resourcePatternToString,
  type ResourcePattern, type ResourcePatternFilter,
} from '../common/resource.js';
import { KafkaPrincipal, parseKafkaPrincipal } from '../common/kafka-principal.js';
import { KafkaZkClient } from '../zk/kafka-zk-client.js';
import { AclAuthorizer } from '../security/auth/acl-authorizer.js';
import { errorText, withAdmin, type AdminClient } from './admin-client.js';
import { COMMAND_CONFIG_HELP, clientSecurityOf, readCommandConfig } from './command-config.js';
import { CliError, cliAction, collect, parseBootstrapServers, parseKeyValues } from './cli-support.js';

interface AclsOptions {
  bootstrapServer?: string;
  commandConfig?: string;
  authorizerProperties: string[];
  add?: boolean;
  remove?: boolean;
  list?: boolean;
  topic: string[];
  cluster?: boolean;
  group: string[];
  transactionalId: string[];
  delegationToken: string[];
  userPrincipal: string[];
  resourcePatternType: string;
  allowPrincipal: string[];
  denyPrincipal: string[];
  allowHost: string[];
  denyHost: string[];
  operation: string[];
  principal: string[];
  producer?: boolean;
  consumer?: boolean;
  idempotent?: boolean;
  force?: boolean;
}

/** How the tool reaches the ACLs: the admin API, or ZooKeeper through an AclAuthorizer. */
interface AclCommandService {
  createAcls(bindings: AclBinding[]): Promise<void>;
  deleteAcls(filters: AclBindingFilter[]): Promise<void>;
  describeAcls(filter: AclBindingFilter): Promise<AclBinding[]>;
}

const CLUSTER_FILTER: ResourcePatternFilter = { resourceType: RT.CLUSTER, name: CLUSTER_NAME, patternType: PT.LITERAL };

export function registerAcls(program: Command): void {
  program
    .command('acls')
    .description('add, remove and list ACLs (Kafka\'s kafka-acls.sh)')
    .option('--bootstrap-server <servers>', 'the brokers to connect to: host:port[,host:port…]')
    .option('--command-config <file>', COMMAND_CONFIG_HELP)
    .option('--authorizer-properties <k=v>', 'instead of --bootstrap-server: zookeeper.connect=host:port[/chroot] to write ACLs into ZooKeeper', collect, [])
    .option('--add', 'add ACLs')
    .option('--remove', 'remove ACLs')
    .option('--list', 'list ACLs (all, or those of the given resources)')
    .option('--topic <topic>', 'a topic (* for all topics); repeatable', collect, [])
    .option('--cluster', 'the cluster resource')
    .option('--group <group>', 'a consumer group (* for all groups); repeatable', collect, [])
    .option('--transactional-id <id>', 'a transactional id (* for all); repeatable', collect, [])
    .option('--delegation-token <id>', 'a delegation token (* for all); repeatable', collect, [])
    .option('--user-principal <principal>', 'a user principal as a resource; repeatable', collect, [])
    .option('--resource-pattern-type <type>', 'literal or prefixed; any or match for --list and --remove', 'literal')
    .option('--allow-principal <principal>', 'principal type:name (User:* for everyone) to allow; repeatable', collect, [])
    .option('--deny-principal <principal>', 'principal type:name to deny (deny wins over allow); repeatable', collect, [])
    .option('--allow-host <host>', 'host the allowed principals may come from (default *); repeatable', collect, [])
    .option('--deny-host <host>', 'host the denied principals are denied from (default *); repeatable', collect, [])
    .option('--operation <operation>', `operation to allow or deny (default All): ${[...Array(13).keys()].map((i) => AclOperation.pascalName(i + 2)).join(', ')}; repeatable`, collect, [])
    .option('--principal <principal>', 'with --list: only the ACLs of this principal; repeatable', collect, [])
    .option('--producer', 'the producer role: Write, Describe, Create on the topics (and Write, Describe on --transactional-id)')
    .option('--consumer', 'the consumer role: Read, Describe on the topics and Read on the --group')
    .option('--idempotent', 'with --producer: also IdempotentWrite on the cluster')
    .option('--force', 'remove without asking')
    .addHelpText('after', `
Examples:
  kafkats acls --bootstrap-server localhost:9092 --add --allow-principal User:alice --operation Read --topic orders
  kafkats acls --bootstrap-server localhost:9092 --add --allow-principal User:bob --producer --topic pay --resource-pattern-type prefixed
  kafkats acls --bootstrap-server localhost:9092 --add --allow-principal User:ANONYMOUS --operation ClusterAction --cluster
  kafkats acls --bootstrap-server localhost:9092 --list --topic orders --resource-pattern-type match
  kafkats acls --authorizer-properties zookeeper.connect=localhost:2181 --remove --topic orders --force`)
    .action(cliAction('acls', runAcls));
}

function checkArgs(o: AclsOptions): void {
  if (o.bootstrapServer !== undefined && o.authorizerProperties.length > 0) throw new CliError('Only one of --bootstrap-server or --authorizer-properties must be specified');
  if (o.bootstrapServer === undefined && o.authorizerProperties.length === 0) throw new CliError('--bootstrap-server is required (or --authorizer-properties zookeeper.connect=…)');
  if (o.commandConfig !== undefined && o.bootstrapServer === undefined) throw new CliError('The --command-config option can only be used with --bootstrap-server option');
  if ([o.add, o.remove, o.list].filter(Boolean).length !== 1) throw new CliError('Command must include exactly one action: --list, --add, --remove.');
  if (o.list && (o.producer || o.consumer || o.allowHost.length > 0 || o.allowPrincipal.length > 0 || o.denyHost.length > 0 || o.denyPrincipal.length > 0)) {
    throw new CliError('--list does not take --producer, --consumer, --allow-* or --deny-* options');
  }
  if ((o.producer || o.consumer) && (o.operation.length > 0 || o.denyPrincipal.length > 0 || o.denyHost.length > 0)) {
    throw new CliError('--producer and --consumer do not take --operation, --deny-principal or --deny-host');
  }
  if (o.principal.length > 0 && !o.list) throw new CliError('The --principal option is only available if --list is set');
  if (o.producer && o.topic.length === 0) throw new CliError('With --producer you must specify a --topic');
  if (o.idempotent && !o.producer) throw new CliError('The --idempotent option is only available if --producer is set');
  if (o.consumer && (o.topic.length === 0 || o.group.length === 0 || (!o.producer && (o.cluster || o.transactionalId.length > 0)))) {
    throw new CliError('With --consumer you must specify a --topic and a --group and no --cluster or --transactional-id option should be specified.');
  }
}

function patternTypeOf(o: AclsOptions): number {
  const t = PatternType.fromString(o.resourcePatternType);
  if (t === PT.UNKNOWN) throw new CliError(`Unknown resource-pattern-type: ${o.resourcePatternType} (literal, prefixed, any or match)`);
  return t;
}

const principals = (items: readonly string[]): KafkaPrincipal[] => items.map((s) => {
  try {
    return parseKafkaPrincipal(s.trim());
  } catch (err) {
    throw new CliError((err as Error).message);
  }
});

/** AclCommand.getResourceFilter: the resources named on the command line. */
function resourceFilters(o: AclsOptions, patternType: number, required = true): ResourcePatternFilter[] {
  const out: ResourcePatternFilter[] = [];
  const add = (resourceType: number, names: readonly string[]): void => {
    for (const name of names) out.push({ resourceType, name: name.trim(), patternType });
  };
  add(RT.TOPIC, o.topic);
  if (patternType === PT.LITERAL && (o.cluster || o.idempotent)) out.push(CLUSTER_FILTER);
  add(RT.GROUP, o.group);
  add(RT.TRANSACTIONAL_ID, o.transactionalId);
  add(RT.DELEGATION_TOKEN, o.delegationToken);
  add(RT.USER, o.userPrincipal);
  if (out.length === 0 && required) throw new CliError('You must provide at least one resource: --topic <topic> or --cluster or --group <group> or --delegation-token <Delegation Token ID>');
  return out;
}

/** AclCommand.getAcl: every principal × operation × host, allowed and denied. */
function entries(o: AclsOptions, operations: readonly number[]): AccessControlEntry[] {
  const hosts = (given: readonly string[], principalsGiven: readonly string[]): string[] =>
    given.length > 0 ? given.map((h) => h.trim()) : principalsGiven.length > 0 ? [WILDCARD_HOST] : [];
  const out: AccessControlEntry[] = [];
  const add = (who: KafkaPrincipal[], hostList: string[], permissionType: number): void => {
    for (const p of who) for (const operation of operations) for (const host of hostList) out.push({ principal: p.toString(), host, operation, permissionType });
  };
  add(principals(o.allowPrincipal), hosts(o.allowHost, o.allowPrincipal), Permission.ALLOW);
  add(principals(o.denyPrincipal), hosts(o.denyHost, o.denyPrincipal), Permission.DENY);
  return [...new Map(out.map((e) => [aceKey(e), e])).values()];
}

/** AclCommand.getResourceFilterToAcls: each resource with the ACLs the options describe (roles included). */
function resourceFilterToAcls(o: AclsOptions, patternType: number): Array<[ResourcePatternFilter, AccessControlEntry[]]> {
  const map = new Map<string, [ResourcePatternFilter, AccessControlEntry[]]>();
  const put = (f: ResourcePatternFilter, acls: AccessControlEntry[]): void => {
    const key = `${f.resourceType}:${f.patternType}:${f.name ?? ''}`;
    const prev = map.get(key)?.[1] ?? [];
    map.set(key, [f, [...new Map([...prev, ...acls].map((e) => [aceKey(e), e])).values()]]);
  };
  const filters = resourceFilters(o, patternType);
  if (!o.producer && !o.consumer) {
    const ops = o.operation.length === 0 ? [Op.ALL] : o.operation.map((s) => AclOperation.fromPascalName(s.trim()));
    for (const f of filters) put(f, entries(o, ops));
  }
  if (o.producer) {
    for (const f of filters.filter((x) => x.resourceType === RT.TOPIC)) put(f, entries(o, [Op.WRITE, Op.DESCRIBE, Op.CREATE]));
    for (const f of filters.filter((x) => x.resourceType === RT.TRANSACTIONAL_ID)) put(f, entries(o, [Op.WRITE, Op.DESCRIBE]));
    if (o.idempotent) put(CLUSTER_FILTER, entries(o, [Op.IDEMPOTENT_WRITE]));
  }
  if (o.consumer) {
    for (const f of filters.filter((x) => x.resourceType === RT.TOPIC)) put(f, entries(o, [Op.READ, Op.DESCRIBE]));
    for (const f of filters.filter((x) => x.resourceType === RT.GROUP)) put(f, entries(o, [Op.READ]));
  }
  for (const [f, acls] of map.values()) {
    const valid = [...(SUPPORTED_OPERATIONS.get(f.resourceType) ?? []), Op.ALL];
    if (acls.some((a) => !valid.includes(a.operation))) {
      throw new CliError(`ResourceType ${ResourceType.name(f.resourceType)} only supports operations ${valid.map((op) => AclOperation.pascalName(op)).join(', ')}`);
    }
  }
  return [...map.values()];
}

const printAcls = (heading: string, pattern: ResourcePattern | ResourcePatternFilter, acls: readonly AccessControlEntry[]): void => {
  process.stdout.write(`${heading} \`${resourcePatternToString(pattern)}\`: \n ${[...acls].sort((a, b) => aceToString(a).localeCompare(aceToString(b))).map((a) => `\t${aceToString(a)}`).join('\n')} \n\n`);
};

async function confirm(o: AclsOptions, question: string): Promise<boolean> {
  if (o.force) return true;
  process.stdout.write(`${question}\n`);
  const rl = createInterface({ input: process.stdin });
  const answer = await new Promise<string>((resolve) => {
    rl.once('line', resolve);
    rl.once('close', () => resolve(''));
  });
  rl.close();
  return answer.trim().toLowerCase() === 'y';
}

async function addAcls(o: AclsOptions, service: AclCommandService): Promise<void> {
  const patternType = patternTypeOf(o);
  if (!isSpecificPatternType(patternType)) throw new CliError(`A '--resource-pattern-type' value of '${PatternType.name(patternType)}' is not valid when adding acls.`);
  const toAdd = resourceFilterToAcls(o, patternType);
  if (toAdd.some(([, acls]) => acls.length === 0)) throw new CliError('You must specify one of: --allow-principal, --deny-principal when trying to add ACLs.');
  for (const [filter, acls] of toAdd) {
    const pattern: ResourcePattern = { resourceType: filter.resourceType, name: filter.name as string, patternType: filter.patternType };
    printAcls('Adding ACLs for resource', pattern, acls);
    await service.createAcls(acls.map((entry) => ({ pattern, entry })));
  }
}

async function removeAcls(o: AclsOptions, service: AclCommandService): Promise<void> {
  for (const [filter, acls] of resourceFilterToAcls(o, patternTypeOf(o))) {
    const question = acls.length === 0
      ? `Are you sure you want to delete all ACLs for resource filter \`${resourcePatternToString(filter)}\`? (y/n)`
      : `Are you sure you want to remove ACLs: \n ${acls.map((a) => `\t${aceToString(a)}`).join('\n')} \n from resource filter \`${resourcePatternToString(filter)}\`? (y/n)`;
    if (!(await confirm(o, question))) continue;
    await service.deleteAcls(acls.length === 0 ? [{ patternFilter: filter, entryFilter: ANY_ENTRY_FILTER }] : acls.map((a) => ({ patternFilter: filter, entryFilter: a })));
  }
}

async function listAcls(o: AclsOptions, service: AclCommandService): Promise<void> {
  const filters = resourceFilters(o, patternTypeOf(o), false);
  const bindings = filters.length === 0
    ? await service.describeAcls({ patternFilter: { resourceType: RT.ANY, name: null, patternType: PT.ANY }, entryFilter: ANY_ENTRY_FILTER })
    : (await Promise.all(filters.map((f) => service.describeAcls({ patternFilter: f, entryFilter: ANY_ENTRY_FILTER })))).flat();
  const byResource = new Map<string, [ResourcePattern, Map<string, AccessControlEntry>]>();
  for (const b of bindings) {
    const key = resourcePatternKey(b.pattern);
    const entry = byResource.get(key) ?? [b.pattern, new Map<string, AccessControlEntry>()];
    entry[1].set(aceKey(b.entry), b.entry);
    byResource.set(key, entry);
  }
  const sorted = [...byResource.values()].sort(([a], [b]) => resourcePatternToString(a).localeCompare(resourcePatternToString(b)));
  const print = (only: string | null): void => {
    for (const [pattern, acls] of sorted) {
      const shown = [...acls.values()].filter((a) => only === null || a.principal === only);
      if (shown.length > 0) printAcls('Current ACLs for resource', pattern, shown);
    }
  };
  if (o.principal.length === 0) return print(null);
  for (const p of principals(o.principal)) {
    process.stdout.write(`ACLs for principal \`${p.toString()}\`\n`);
    print(p.toString());
  }
}

/** The admin API: CreateAcls / DeleteAcls / DescribeAcls v1 (every broker since Kafka 2.0 serves them). */
function adminService(admin: AdminClient): AclCommandService {
  const failIf = (code: number, message: string | null): void => {
    if (code !== Errors.NONE.code) throw new CliError(errorText(code, message));
  };
  const filterData = (f: AclBindingFilter) => ({
    resourceTypeFilter: f.patternFilter.resourceType, resourceNameFilter: f.patternFilter.name, patternTypeFilter: f.patternFilter.patternType,
    principalFilter: f.entryFilter.principal, hostFilter: f.entryFilter.host, operation: f.entryFilter.operation, permissionType: f.entryFilter.permissionType,
  });
  return {
    async createAcls(bindings) {
      const r = await admin.sendToAny(ApiKeys.CREATE_ACLS, 1, {
        creations: bindings.map((b) => ({
          resourceType: b.pattern.resourceType, resourceName: b.pattern.name, resourcePatternType: b.pattern.patternType,
          principal: b.entry.principal, host: b.entry.host, operation: b.entry.operation, permissionType: b.entry.permissionType,
        })),
      });
      for (const x of r.results) failIf(x.errorCode, x.errorMessage);
    },
    async deleteAcls(filters) {
      const r = await admin.sendToAny(ApiKeys.DELETE_ACLS, 1, { filters: filters.map(filterData) });
      for (const x of r.filterResults) {
        failIf(x.errorCode, x.errorMessage);
        for (const m of x.matchingAcls) failIf(m.errorCode, m.errorMessage);
      }
    },
    async describeAcls(filter) {
      const r = await admin.sendToAny(ApiKeys.DESCRIBE_ACLS, 1, filterData(filter));
      failIf(r.errorCode, r.errorMessage);
      return r.resources.flatMap((res) => res.acls.map((a) => ({
        pattern: { resourceType: res.resourceType, name: res.resourceName, patternType: res.patternType },
        entry: { principal: a.principal, host: a.host, operation: a.operation, permissionType: a.permissionType },
      })));
    },
  };
}

/** Kafka's deprecated AuthorizerService: an AclAuthorizer on the cluster's ZooKeeper. */
function authorizerService(authorizer: AclAuthorizer): AclCommandService {
  const ctx = { principal: KafkaPrincipal.ANONYMOUS, clientAddress: '', listenerName: '', requestType: -1, requestVersion: -1, clientId: 'kafkats-acls', correlationId: -1 };
  return {
    async createAcls(bindings) {
      for (const r of await authorizer.createAcls(ctx, bindings)) if (r.error) throw new CliError(errorText(r.error.errorCode, r.error.errorMessage));
    },
    async deleteAcls(filters) {
      for (const r of await authorizer.deleteAcls(ctx, filters)) {
        for (const d of r.aclBindingDeleteResults) if (d.error) process.stdout.write(`Error while removing ACLs: ${errorText(d.error.errorCode, d.error.errorMessage)}\n`);
      }
    },
    async describeAcls(filter) {
      return authorizer.acls(filter);
    },
  };
}

async function runAcls(o: AclsOptions): Promise<void> {
  checkArgs(o);
  const action = o.add ? addAcls : o.remove ? removeAcls : listAcls;
  if (o.bootstrapServer !== undefined) {
    const bootstrap = parseBootstrapServers(o.bootstrapServer);
    const security = o.commandConfig !== undefined ? clientSecurityOf(readCommandConfig(o.commandConfig), 'kafkats-acls', o.commandConfig) : null;
    await withAdmin(bootstrap, (admin) => action(o, adminService(admin)), 'kafkats-acls', security);
    return;
  }
  const props = parseKeyValues(o.authorizerProperties, '--authorizer-properties');
  const connectString = props.get('zookeeper.connect');
  if (connectString === undefined) throw new CliError('--authorizer-properties must set zookeeper.connect=host:port[/chroot]');
  process.stderr.write('Warning: support for ACL configuration directly through the authorizer is deprecated and will be removed in a future release. Please use --bootstrap-server instead to set ACLs through the admin client.\n');
  const zk = await KafkaZkClient.create({ connectString, sessionTimeoutMs: 10_000, connectionTimeoutMs: 10_000, name: 'kafkats-acls' });
  const authorizer = new AclAuthorizer(zk, { superUsers: [], allowEveryoneIfNoAclIsFound: false });
  try {
    await authorizer.start();
    await action(o, authorizerService(authorizer));
  } finally {
    await authorizer.close();
    await zk.close();
  }
}
