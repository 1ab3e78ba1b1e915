/**
 * The BrokerReconfigurable of a TLS listener's key and trust stores (Kafka's SslFactory as a
 * ListenerReconfigurable, KIP-226): its `listener.name.<l>.ssl.keystore.*` / `ssl.truststore.*`
 * keys, set per broker. An update is loaded and checked before it is accepted (SslFactory's rules;
 * a refusal is a ConfigError, which AlterConfigs answers with its message); once applied, the
 * listener's TLS servers take the new context for connections accepted afterwards, and so do the
 * broker's own connections to the inter-broker listener (their client-side SslFactory).
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

/** `factories`: the listener's (first) and the inter-broker client's; `apply` hands the listener's new context to its servers. */
export function listenerSslReconfigurable(listenerName: string, factories: readonly SslFactory[], apply: () => void): BrokerReconfigurable {
  const prefix = `listener.name.${listenerName.toLowerCase()}.`;
  const sslOf = (config: KafkaConfig): SslConfig => {
    const next = config.listenerSecurity.get(listenerName)?.ssl;
    if (!next) throw new ConfigError(`Listener ${listenerName} has no SSL configuration`);
    return next;
  };
  return {
    reconfigurableConfigs: new Set(DYNAMIC_SECURITY_CONFIGS.map((k) => prefix + k)),
    validateReconfiguration: (newConfig) => asConfigError(() => factories.forEach((f) => f.validateReconfiguration(sslOf(newConfig)))),
    reconfigure: (_old, newConfig) => {
      for (const f of factories) f.reconfigure(sslOf(newConfig));
      apply();
    },
    reloadFiles: () => {
      // Checked on every factory before any changes.
      const config = factories[0]!.config;
      asConfigError(() => factories.forEach((f) => f.validateReconfiguration(config)));
      const reloaded = factories.map((f) => f.reloadChangedFiles());
      if (reloaded[0]) apply();
    },
  };
}
