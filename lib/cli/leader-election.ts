/**
 * `kafkats leader-election` — Kafka's kafka-leader-election.sh (LeaderElectionCommand): an
 * ElectLeaders request to the controller for --topic/--partition, --all-topic-partitions or the
 * partitions of --path-to-json-file ({"partitions":[{"topic":"t","partition":0}]}), with
 * --election-type PREFERRED or UNCLEAN. Prints Kafka's three result lines: `Successfully completed
 * leader election (PREFERRED) for partitions t-0, …`, `Valid replica already elected for
 * partitions …` (ELECTION_NOT_NEEDED) and, exiting 1, `Error completing leader election …`.
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { ApiKeys } from '../protocol/index.js';
import { type AdminClient, errorText, NOT_CONTROLLER, withAdmin } from './admin-client.js';
import { COMMAND_CONFIG_HELP, commandConfigSecurity } from './command-config.js';
import { CliError, cliAction, parseBootstrapServers, parseIntOption } from './cli-support.js';
import { Errors } from '../protocol/errors.js';

interface ElectionOptions {
  bootstrapServer?: string;
  commandConfig?: string;
  electionType?: string;
  topic?: string;
  partition?: string;
  allTopicPartitions?: boolean;
  pathToJsonFile?: string;
}

const ELECTION_NOT_NEEDED = 84;

export function registerLeaderElection(program: Command): void {
  program
    .command('leader-election')
    .description('elect partition leaders: preferred or unclean (Kafka\'s kafka-leader-election.sh)')
    .option('--bootstrap-server <servers>', 'the brokers to connect to: host:port[,host:port…]')
    .option('--command-config <file>', COMMAND_CONFIG_HELP)
    .option('--election-type <type>', 'PREFERRED or UNCLEAN')
    .option('--topic <topic>', 'the topic (with --partition)')
    .option('--partition <n>', 'the partition (with --topic)')
    .option('--all-topic-partitions', 'every partition of every topic')
    .option('--path-to-json-file <file>', 'a JSON file {"partitions":[{"topic":"t","partition":0}, …]}')
    .addHelpText('after', `
Examples:
  kafkats leader-election --bootstrap-server localhost:9092 --election-type preferred --all-topic-partitions
  kafkats leader-election --bootstrap-server localhost:9092 --election-type preferred --topic orders --partition 0`)
    .action(cliAction('leader-election', runElection));
}

function partitionsFromJson(file: string): Array<{ topic: string; partition: number }> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const list = (json as { partitions?: unknown }).partitions;
  if (!Array.isArray(list)) throw new CliError(`${file}: expected {"partitions":[{"topic":…,"partition":…}]}`);
  return list.map((e: unknown) => {
    const { topic, partition } = e as { topic?: unknown; partition?: unknown };
    if (typeof topic !== 'string' || typeof partition !== 'number' || !Number.isInteger(partition)) throw new CliError(`${file}: invalid entry ${JSON.stringify(e)}`);
    return { topic, partition };
  });
}

async function runElection(opts: ElectionOptions): Promise<void> {
  const bootstrap = parseBootstrapServers(opts.bootstrapServer);
  const type = (opts.electionType ?? '').toUpperCase();
  if (type !== 'PREFERRED' && type !== 'UNCLEAN') throw new CliError('--election-type must be PREFERRED or UNCLEAN');
  const sources = [opts.topic !== undefined || opts.partition !== undefined, opts.allTopicPartitions === true, opts.pathToJsonFile !== undefined].filter(Boolean).length;
  if (sources !== 1) throw new CliError('exactly one of --topic/--partition, --all-topic-partitions or --path-to-json-file is required');
  let partitions: Array<{ topic: string; partition: number }> | null = null;
  if (opts.pathToJsonFile !== undefined) partitions = partitionsFromJson(opts.pathToJsonFile);
  else if (!opts.allTopicPartitions) {
    if (opts.topic === undefined || opts.partition === undefined) throw new CliError('--topic and --partition go together');
    partitions = [{ topic: opts.topic, partition: parseIntOption('--partition', opts.partition)! }];
  }
  await withAdmin(bootstrap, (admin) => elect(admin, type, partitions), 'kafkats-leader-election', commandConfigSecurity(opts.commandConfig, 'kafkats-leader-election'));
}

async function elect(admin: AdminClient, type: 'PREFERRED' | 'UNCLEAN', partitions: Array<{ topic: string; partition: number }> | null): Promise<void> {
  const range = await admin.apiVersionRange(await admin.controllerAddress(), ApiKeys.ELECT_LEADERS);
  if (range === null) {
    throw new CliError('the controller does not support ElectLeaders (UNSUPPORTED_VERSION): this kafkats broker has no leader election API yet');
  }
  const version = Math.min(range[1], 1);
  if (type === 'UNCLEAN' && version < 1) throw new CliError('the controller supports only preferred elections (ElectLeaders v0)');
  const byTopic = new Map<string, number[]>();
  for (const p of partitions ?? []) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
  const r = await admin.sendToController(ApiKeys.ELECT_LEADERS, version, {
    electionType: type === 'PREFERRED' ? 0 : 1,
    topicPartitions: partitions === null ? null : [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps })),
    timeoutMs: 30_000,
  }, (res) => res.errorCode === NOT_CONTROLLER);
  if (r.errorCode !== Errors.NONE.code) throw new CliError(`Error completing leader election (${type}): ${errorText(r.errorCode, null)}`);
  const succeeded: string[] = [];
  const noop: string[] = [];
  const failed: string[] = [];
  for (const t of r.replicaElectionResults) {
    for (const p of t.partitionResult) {
      const tp = `${t.topic}-${p.partitionId}`;
      if (p.errorCode === Errors.NONE.code) succeeded.push(tp);
      else if (p.errorCode === ELECTION_NOT_NEEDED) noop.push(tp);
      else failed.push(`Error completing leader election (${type}) for partition: ${tp}: ${errorText(p.errorCode, p.errorMessage)}`);
    }
  }
  const lines: string[] = [];
  if (succeeded.length > 0) lines.push(`Successfully completed leader election (${type}) for partitions ${succeeded.join(', ')}`);
  if (noop.length > 0) lines.push(`Valid replica already elected for partitions ${noop.join(', ')}`);
  if (succeeded.length === 0 && noop.length === 0 && failed.length === 0) lines.push('No partitions needed a leader election');
  if (lines.length > 0) process.stdout.write(lines.join('\n') + '\n');
  if (failed.length > 0) {
    process.stdout.write(failed.join('\n') + '\n');
    throw new CliError(`${failed.length} replica(s) could not be elected`);
  }
}
