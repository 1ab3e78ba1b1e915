/**
 * Structured logging with pino. One root logger per process; components take child loggers
 * (`logger('log.Log')`, `logger('state.change')`) named like Kafka's log4j categories.
 * Level: KAFKATS_LOG_LEVEL (trace|debug|info|warn|error|fatal|silent), default info.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

let root: Logger = pino({
  level: process.env.KAFKATS_LOG_LEVEL ?? 'info',
  base: process.env.KAFKATS_BROKER_ID !== undefined ? { broker: Number(process.env.KAFKATS_BROKER_ID) } : {},
  timestamp: pino.stdTimeFunctions.isoTime,
});

/** Replaces the root logger (tests silence it; the server adds its broker id). */
export function setRootLogger(l: Logger): void {
  root = l;
}

export function rootLogger(): Logger {
  return root;
}

/** A child logger for one component; Kafka's category names are the convention. */
export function logger(component: string, bindings: Record<string, unknown> = {}): Logger {
  return root.child({ component, ...bindings });
}
