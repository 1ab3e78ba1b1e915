/**
 * The `kafkats` command. Verbs mirror Kafka's kafka-*.sh tools; each lives in its own module
 * under lib/cli/ and registers itself on the program here.
 */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { registerServerStart } from './server-start.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('kafkats')
    .description('An Apache Kafka broker in TypeScript (ZooKeeper mode), and the tools to run it')
    .version(pkg.version);
  registerServerStart(program);
  return program;
}

await buildProgram().parseAsync(process.argv);
