/**
 * Broker heap tuning, the counterpart of the heap options in Kafka's kafka-server-start.sh.
 *
 * V8's young generation:
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

/**
 * glibc malloc settings for a broker process, the other half: node allocates Buffers and socket
 * reads with malloc, and under produce and fetch load glibc's defaults let the heap grow by tens
 * of megabytes it never returns (its mmap threshold rises to the largest buffer freed, so
 * megabyte buffers land in a heap fragmented by the 64 KiB socket reads between them, and every
 * thread of libuv's pool gets an arena of its own). A fixed 128 KiB mmap threshold gives large
 * buffers back to the kernel when freed, a 512 KiB trim threshold returns the heap's free top, and
 * two arenas are plenty for one JavaScript thread. glibc reads these only at process start, so
 * launchers set them: BrokerProcess (`kafkats cluster`, `npm start`, startCluster, the tests and
 * benchmarks) and the Dockerfile; a variable already in the environment wins. Measured after 1.8 GB
 * of kcat produce/consume on one broker: 36 MB anonymous RSS with them, 53 MB without.
 */
export const BROKER_MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '131072',
  MALLOC_TRIM_THRESHOLD_: '524288',
};
