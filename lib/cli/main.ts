/**
 * The `kafkats` command. Verbs mirror Kafka's kafka-*.sh tools; each lives in its own module
 * under lib/cli/ and registers itself on the program here.
 */
import './cli-env.js';
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { registerServerStart } from './server-start.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** Every verb but server-start (they pull in kafkajs and the tools; a broker process needs none of it). */
async function registerTools(program: Command): Promise<void> {
  const tools = await Promise.all([
    import('./cluster.js').then((m) => m.registerCluster),
    import('./zookeeper.js').then((m) => m.registerZooKeeper),
    import('./topics.js').then((m) => m.registerTopics),
    import('./console-producer.js').then((m) => m.registerConsoleProducer),
    import('./console-consumer.js').then((m) => m.registerConsoleConsumer),
    import('./consumer-groups.js').then((m) => m.registerConsumerGroups),
    import('./configs.js').then((m) => m.registerConfigs),
    import('./get-offsets.js').then((m) => m.registerGetOffsets),
    import('./leader-election.js').then((m) => m.registerLeaderElection),
    import('./reassign-partitions.js').then((m) => m.registerReassignPartitions),
    import('./dump-log.js').then((m) => m.registerDumpLog),
    import('./log-dirs.js').then((m) => m.registerLogDirs),
    import('./delete-records.js').then((m) => m.registerDeleteRecords),
    import('./acls.js').then((m) => m.registerAcls),
    import('./broker-api-versions.js').then((m) => m.registerBrokerApiVersions),
    import('./producer-perf-test.js').then((m) => m.registerProducerPerfTest),
    import('./consumer-perf-test.js').then((m) => m.registerConsumerPerfTest),
    import('./zookeeper-shell.js').then((m) => m.registerZooKeeperShell),
    import('./console/console-command.js').then((m) => m.registerConsole),
  ]);
  for (const register of tools) register(program);
}

export async function buildProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = new Command();
  program
    .name('kafkats')
    .description('An Apache Kafka broker in TypeScript (ZooKeeper mode), and the tools to run it')
    .version(pkg.version);
  registerServerStart(program);
  if (argv[2] !== 'server-start') await registerTools(program);
  program.showHelpAfterError('(add --help for usage)');
  return program;
}

await (await buildProgram()).parseAsync(process.argv);
