/**
 * Imported first by main.ts: the client verbs keep kafkats' own pino logging (ZooKeeper client,
 * network client …) off stdout, which carries their output. Only `server-start` logs by default;
 * KAFKATS_LOG_LEVEL, when set, wins, and KAFKATS_DEBUG turns library logging back on.
 */
const verb = process.argv[2];
if (verb !== 'server-start' && process.env.KAFKATS_LOG_LEVEL === undefined && !process.env.KAFKATS_DEBUG) {
  process.env.KAFKATS_LOG_LEVEL = 'silent';
}
export {};
