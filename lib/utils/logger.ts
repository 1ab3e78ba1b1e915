/**
 * Structured logging with pino. One root logger per process; components take child loggers
 * (`logger('log.Log')`, `logger('state.change')`) named like Kafka's log4j categories.
 * Level: KAFKATS_LOG_LEVEL (trace|debug|info|warn|error|fatal|silent), default info. Lines carry the
 * level's name (`"level":"info"`), as log4j prints it, not pino's number.
 *
 * Levels change at runtime per logger name, as Kafka's Log4jController does for BROKER_LOGGER
 * configs: a name's level applies to its own loggers and to those below it (`kafka.controller`
 * covers `kafka.controller.KafkaController`) that have no level of their own; `root` is the rest.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

/** pino's level numbers by name (what a JSON line's `level` names). */
export const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/** The pino number of a JSON line's `level`: a name (what kafkats writes) or a number (pino's default). */
export function levelValue(level: unknown): number | undefined {
  if (typeof level === 'number') return level;
  return typeof level === 'string' ? LEVELS[level.toLowerCase()] : undefined;
}

let root: Logger = pino({
  level: process.env.KAFKATS_LOG_LEVEL ?? 'info',
  base: process.env.KAFKATS_BROKER_ID !== undefined ? { broker: Number(process.env.KAFKATS_BROKER_ID) } : {},
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
});

/** Logger names created so far, with their live loggers; and the levels set at runtime by name. */
const loggers = new Map<string, Set<WeakRef<Logger>>>();
const assignedLevels = new Map<string, string>();
/** Drops the weak reference of a collected logger, so short-lived loggers leave nothing behind. */
const collected = new FinalizationRegistry<{ name: string; ref: WeakRef<Logger> }>(({ name, ref }) => loggers.get(name)?.delete(ref));

/** Replaces the root logger (tests silence it; the server adds its broker id). */
export function setRootLogger(l: Logger): void {
  root = l;
}

export function rootLogger(): Logger {
  return root;
}

/**
 * A child logger for one component; Kafka's category names are the convention. A binding the root
 * already carries (the broker id of a broker process) is not repeated: one key once per line.
 */
export function logger(component: string, bindings: Record<string, unknown> = {}): Logger {
  const bound = root.bindings();
  const own = Object.fromEntries(Object.entries(bindings).filter(([k]) => !(k in bound)));
  const l = root.child({ component, ...own });
  let live = loggers.get(component);
  if (!live) loggers.set(component, (live = new Set()));
  const ref = new WeakRef(l);
  live.add(ref);
  collected.register(l, { name: component, ref });
  const level = levelFor(component);
  if (level !== undefined) l.level = level;
  return l;
}

/** Kafka's log4j root logger name. */
export const ROOT_LOGGER = 'root';

/** The level set for `name` or its nearest ancestor, undefined when only the root's applies. */
function levelFor(name: string): string | undefined {
  for (let n = name; ; n = n.slice(0, n.lastIndexOf('.'))) {
    const l = assignedLevels.get(n);
    if (l !== undefined) return l;
    if (!n.includes('.')) return undefined;
  }
}

/** Kafka's Log4jController.loggerExists: `root`, a logger name in use, or an ancestor of one. */
export function loggerExists(name: string): boolean {
  if (name === ROOT_LOGGER || loggers.has(name)) return true;
  for (const n of loggers.keys()) if (n.startsWith(`${name}.`)) return true;
  return false;
}

/** log4j level name (Kafka shows them upper-case) for a pino level. */
function log4jLevel(level: string): string {
  return level === 'silent' ? 'OFF' : level.toUpperCase();
}

/** Kafka's Log4jController.loggers: `root` and every logger name with its effective level. */
export function loggerLevels(): Map<string, string> {
  const out = new Map<string, string>([[ROOT_LOGGER, log4jLevel(root.level)]]);
  for (const name of [...loggers.keys()].sort()) out.set(name, log4jLevel(levelFor(name) ?? root.level));
  return out;
}

/** Kafka's Log4jController.logLevel: sets `name`'s level (DEBUG, INFO …); `root` sets the root's. */
export function setLoggerLevel(name: string, level: string): boolean {
  const pinoLevel = level.toLowerCase();
  if (!(pinoLevel in root.levels.values)) return false;
  if (name === ROOT_LOGGER) root.level = pinoLevel;
  else assignedLevels.set(name, pinoLevel);
  applyLevels();
  return true;
}

/** Kafka's Log4jController.unsetLogLevel: `name` follows its ancestors (or the root) again. */
export function unsetLoggerLevel(name: string): boolean {
  if (name === ROOT_LOGGER) return false;
  assignedLevels.delete(name);
  applyLevels();
  return true;
}

function applyLevels(): void {
  for (const [name, live] of loggers) {
    const level = levelFor(name) ?? root.level;
    for (const ref of live) {
      const l = ref.deref();
      if (l === undefined) live.delete(ref);
      else l.level = level;
    }
  }
}
