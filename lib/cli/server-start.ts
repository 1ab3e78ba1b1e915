/**
 * `kafkats server-start [server.properties] [--override key=value …]`: one broker in the
 * foreground, like Kafka's kafka-server-start.sh. Without a file, Kafka's defaults apply; the
 * environment's KAFKA_CFG_* variables and then --override win. SIGTERM/SIGINT run a controlled
 * shutdown (every step bounded) and exit 0; a second SIGTERM/SIGINT during it exits at once with
 * 128 + the signal's number (143 for SIGTERM, 130 for SIGINT); a configuration error prints its
 * message and exits 1.
 */
import os from 'node:os';
import type { Command } from 'commander';
import { KafkaConfig } from '../config/kafka-config.js';
import { ConfigError } from '../config/config-def.js';
import { KafkaServer } from '../server/kafka-server.js';
import { logger } from '../utils/logger.js';

export function registerServerStart(program: Command): void {
  program
    .command('server-start')
    .description('start a kafkats broker (Kafka\'s kafka-server-start.sh)')
    .argument('[config]', 'a server.properties file')
    .option('--override <key=value>', 'override a server.properties key (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .action(async (file: string | undefined, opts: { override: string[] }) => {
      let config: KafkaConfig;
      try {
        config = file
          ? KafkaConfig.load(file, { overrides: opts.override })
          : KafkaConfig.fromProps({}, { env: process.env, overrides: opts.override });
      } catch (err) {
        if (err instanceof ConfigError) {
          process.stderr.write(`kafkats: ${err.message}\n`);
          process.exit(1);
        }
        throw err;
      }
      const log = logger('kafka.Kafka');
      for (const w of config.warnings) log.warn(w);
      const server = new KafkaServer(config);
      let stopping = false;
      const stop = (signal: NodeJS.Signals): void => {
        if (stopping) {
          // A second signal: the operator does not want to wait for the (bounded) shutdown.
          log.warn(`received ${signal} again during the shutdown; exiting now`);
          process.exit(128 + (os.constants.signals[signal] ?? 0));
        }
        stopping = true;
        log.info(`received ${signal}, shutting down`);
        holdProcessOpen();
        server.shutdown().then(
          () => process.exit(0),
          (err: unknown) => {
            log.error({ err }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
      try {
        await server.startup();
      } catch (err) {
        log.fatal({ err }, `broker failed to start: ${(err as Error).message}`);
        holdProcessOpen();
        await server.shutdown().catch(() => undefined);
        process.exit(1);
      }
    });
}

/** Keeps the event loop alive until process.exit(): the shutdown's own timers are unref()ed. */
function holdProcessOpen(): void {
  setInterval(() => undefined, 1 << 30);
}
