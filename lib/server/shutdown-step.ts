/**
 * One step of KafkaServer.shutdown, bounded: a step that waits on ZooKeeper or another broker (a
 * ZooKeeper that is gone, a peer that hangs) is given up after `boundMs` and the shutdown goes on,
 * so a broker always exits. Errors are logged, never thrown. Kafka's shutdown swallows each step's
 * errors (CoreUtils.swallow) but can wait forever on ZooKeeper; this is the bound it lacks.
 *
 * The timer comes from the injected clock and is unref()ed on the system clock: the caller (the
 * `server-start` command) keeps the process alive until the shutdown has finished.
 */
import type { Time } from '../common/time.js';
import type { Logger } from '../utils/logger.js';

export type ShutdownStepOutcome = 'done' | 'failed' | 'timed-out';

/** Runs `fn`; with a bound, waits at most `boundMs` for it (it keeps running in the background). */
export async function runShutdownStep(
  name: string,
  fn: () => Promise<void> | void,
  opts: { time: Time; log: Logger; boundMs: number | null },
): Promise<ShutdownStepOutcome> {
  const step = Promise.resolve().then(fn).then(
    (): ShutdownStepOutcome => 'done',
    (err: unknown): ShutdownStepOutcome => {
      opts.log.error({ err }, `error during shutdown of ${name}`);
      return 'failed';
    },
  );
  if (opts.boundMs === null) return step;
  const boundMs = opts.boundMs;
  let timer: { cancel(): void } | undefined;
  const timedOut = new Promise<ShutdownStepOutcome>((resolve) => (timer = opts.time.setTimer(() => resolve('timed-out'), boundMs)));
  const outcome = await Promise.race([step, timedOut]);
  timer?.cancel();
  if (outcome === 'timed-out') opts.log.warn(`shutdown of ${name} did not finish within ${boundMs} ms; continuing`);
  return outcome;
}
