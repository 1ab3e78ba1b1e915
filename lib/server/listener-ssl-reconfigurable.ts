/**
 * The BrokerReconfigurable of a TLS listener's key and trust stores (Kafka's SslFactory as a
 * ListenerReconfigurable, KIP-226): its `listener.name.<l>.ssl.keystore.*` / `ssl.truststore.*`
 * keys, set per broker. An update is loaded and checked before it is accepted (SslFactory's rules;
 * a refusal is a ConfigError, which AlterConfigs answers with its message); once applied, the
 * listener's TLS servers take the new context for connections accepted afterwards.
 */
import type { KafkaConfig } from '../config/kafka-config.js';
import { ConfigError } from '../config/config-def.js';
import { DYNAMIC_SECURITY_CONFIGS } from '../config/dynamic-config.js';
import { SslConfigError, type SslFactory } from '../security/ssl/ssl-factory.js';
import type { SslConfig } from '../security/ssl/ssl-config.js';
import type { BrokerReconfigurable } from './dynamic-broker-config.js';

function asConfigError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof SslConfigError) throw new ConfigError(err.message);
    throw err;
  }
}

/** `apply` hands the factory's new context to the listener's servers. */
export function listenerSslReconfigurable(listenerName: string, ssl: SslFactory, apply: () => void): BrokerReconfigurable {
  const prefix = `listener.name.${listenerName.toLowerCase()}.`;
  const sslOf = (config: KafkaConfig): SslConfig => {
    const next = config.listenerSecurity.get(listenerName)?.ssl;
    if (!next) throw new ConfigError(`Listener ${listenerName} has no SSL configuration`);
    return next;
  };
  return {
    reconfigurableConfigs: new Set(DYNAMIC_SECURITY_CONFIGS.map((k) => prefix + k)),
    validateReconfiguration: (newConfig) => asConfigError(() => ssl.validateReconfiguration(sslOf(newConfig))),
    reconfigure: (_old, newConfig) => {
      ssl.reconfigure(sslOf(newConfig));
      apply();
    },
    reloadFiles: () => {
      if (asConfigError(() => ssl.reloadChangedFiles())) apply();
    },
  };
}
