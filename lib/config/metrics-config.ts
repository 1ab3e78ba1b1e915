/** The kafkats metrics endpoint (kafkats.metrics.port, kafkats.metrics.host; not Kafka keys). */
import type { KafkaConfig } from './kafka-config.js';

export interface MetricsConfig {
  /** HTTP port of /metrics and /health: -1 disables the endpoint, 0 picks a free port. */
  readonly port: number;
  /** Interface to bind: kafkats.metrics.host, else the first listener's host, so /metrics is reachable where the broker is (and no further); '' binds every interface. */
  readonly host: string;
}

export function metricsConfigFrom(config: KafkaConfig): MetricsConfig {
  return { port: config.get('kafkats.metrics.port'), host: config.get('kafkats.metrics.host') || (config.listeners[0]?.host ?? '') };
}
