/**
 * The `kafkats` command. Verbs mirror Kafka's kafka-*.sh tools; each lives in its own module
 * under lib/cli/ and registers itself on the program here.
 */
import './cli-env.js';
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { registerServerStart } from './server-start.js';
import { registerCluster } from './cluster.js';
import { registerZooKeeper } from './zookeeper.js';
import { registerTopics } from './topics.js';
import { registerConsoleProducer } from './console-producer.js';
import { registerConsoleConsumer } from './console-consumer.js';
import { registerConsumerGroups } from './consumer-groups.js';
import { registerConfigs } from './configs.js';
import { registerGetOffsets } from './get-offsets.js';
import { registerLeaderElection } from './leader-election.js';
import { registerDumpLog } from './dump-log.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('kafkats')
    .description('An Apache Kafka broker in TypeScript (ZooKeeper mode), and the tools to run it')
    .version(pkg.version);
  registerServerStart(program);
  registerCluster(program);
  registerZooKeeper(program);
  registerTopics(program);
  registerConsoleProducer(program);
  registerConsoleConsumer(program);
  registerConsumerGroups(program);
  registerConfigs(program);
  registerGetOffsets(program);
  registerLeaderElection(program);
  registerDumpLog(program);
  program.showHelpAfterError('(add --help for usage)');
  return program;
}

await buildProgram().parseAsync(process.argv);
