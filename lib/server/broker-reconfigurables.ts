/**
 * The components that follow dynamic broker configs (Kafka's DynamicBrokerConfig.addReconfigurables
 * in ZooKeeper mode): DynamicLogConfig (topic defaults), the LogCleaner and the SocketServer's
 * connection quotas. Each sees its own config object from lib/config, old and new.
 */
import type { LogConfig } from '../config/log-config.js';
import { LOG_CLEANER_CONFIGS, LOG_CONFIGS, SOCKET_SERVER_CONFIGS } from '../config/dynamic-config.js';
import { cleanerConfigFrom, validateCleanerReconfiguration } from '../config/log-manager-config.js';
import { connectionQuotaConfigFrom } from '../config/socket-server-config.js';
import { brokerReconfigurable, type BrokerReconfigurable } from './dynamic-broker-config.js';
import type { SocketServer } from '../network/socket-server.js';
import type { LogManager } from '../log/log-manager.js';

/** Kafka's DynamicLogConfig: new topic defaults (log.*, message.max.bytes, unclean.leader.election.enable …). */
export function dynamicLogConfig(apply: {
  /** The logs take the new defaults (their topics' overrides still on top). */
  setTopicDefaults(defaults: LogConfig): void;
  /** The broker default of unclean.leader.election.enable became true. */
  enableDefaultUncleanLeaderElection(): void;
}): BrokerReconfigurable {
  return brokerReconfigurable({
    reconfigurableConfigs: new Set(LOG_CONFIGS),
    configOf: (config) => config.logConfig(),
    reconfigure: (old, next) => {
      apply.setTopicDefaults(next);
      if (!old['unclean.leader.election.enable'] && next['unclean.leader.election.enable']) apply.enableDefaultUncleanLeaderElection();
    },
  });
}

/** Kafka's LogCleaner as a reconfigurable: its thread count, within Kafka's limits on changing it. */
export function logCleanerReconfigurable(logManager: Pick<LogManager, 'reconfigureCleaner'>): BrokerReconfigurable {
  return brokerReconfigurable({
    reconfigurableConfigs: new Set(LOG_CLEANER_CONFIGS),
    configOf: cleanerConfigFrom,
    validateReconfiguration: validateCleanerReconfiguration,
    reconfigure: (_old, next) => logManager.reconfigureCleaner(next.numThreads),
  });
}

/** Kafka's SocketServer as a reconfigurable: its connection limits. */
export function socketServerReconfigurable(socketServer: SocketServer): BrokerReconfigurable {
  return brokerReconfigurable({
    reconfigurableConfigs: new Set(SOCKET_SERVER_CONFIGS),
    configOf: connectionQuotaConfigFrom,
    reconfigure: (_old, next) => socketServer.reconfigureConnectionQuotas(next),
  });
}
