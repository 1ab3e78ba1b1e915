/**
 * Broker heap tuning, the counterpart of the heap options in Kafka's kafka-server-start.sh.
 *
 * A broker's JavaScript allocations are short-lived request and response objects (record bytes
 * are Buffers outside the V8 heap), yet V8 grows the young generation from 1 MB semi-spaces to
 * 16 MB ones under that allocation rate: about 30 MB more resident memory for nothing kept. The
 * broker stops that growth (`--semi-space-growth-factor=1`, a flag V8 reads whenever it would grow
 * the young generation, so setting it at start-up works whatever launched the process); scavenges
 * of a 1 MB semi-space cost well under a millisecond. A process started with its own semi-space
 * size (`--max-semi-space-size` / `--min-semi-space-size` on node's command line or in
 * NODE_OPTIONS) keeps its choice.
 */
import v8 from 'node:v8';

const SEMI_SPACE_FLAG = /--(max|min)[-_]semi[-_]space[-_]size/;

/** Returns true when the young generation was capped, false when the launcher chose its own size. */
export function capYoungGeneration(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  if (execArgv.some((a) => SEMI_SPACE_FLAG.test(a)) || SEMI_SPACE_FLAG.test(nodeOptions)) return false;
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  return true;
}
