/** Prometheus metrics and the /metrics + /health endpoint of a broker. */
export {
  KafkaMetrics, BrokerTopicStats, type KafkaMetricsOptions, type BrokerGauges, type LogMetrics,
} from './kafka-metrics.js';
export { MetricsHttpServer, type BrokerHealth, type HealthStatus, type MetricsHttpServerOptions } from './metrics-server.js';
export { METRICS, REQUEST_TIME_BUCKETS, type MetricName, type MetricKind, type MetricId } from './metric-names.js';
