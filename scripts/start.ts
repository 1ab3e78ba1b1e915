/**
 * What `npm start` runs: a local 3-broker cluster with its data under ./data —
 *
 *   node bin/kafkats.js cluster --brokers 3 --base-port 9092 --data-dir ./data
 *
 * (that exact command is package.json's "start" script). This file is the same thing for
 * `node --import tsx scripts/start.ts [extra kafkats cluster flags]`: it runs the built CLI in the
 * foreground, passes extra arguments through, relays SIGINT/SIGTERM and exits with its status.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const START_ARGS = ['cluster', '--brokers', '3', '--base-port', '9092', '--data-dir', './data'];

const cli = fileURLToPath(new URL('../bin/kafkats.js', import.meta.url));
const child = spawn(process.execPath, [cli, ...START_ARGS, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
