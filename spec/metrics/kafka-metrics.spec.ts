import { expect } from 'chai';
import { register as globalRegistry } from 'prom-client';
import { KafkaMetrics } from '../../lib/metrics/kafka-metrics.js';
import { METRICS, REQUEST_TIME_BUCKETS } from '../../lib/metrics/metric-names.js';
import { KafkaConfig } from '../../lib/config/kafka-config.js';
import { ApiKeys } from '../../lib/protocol/api-keys.js';
import { parseExposition } from './exposition.js';

async function scrape(m: KafkaMetrics): Promise<Map<string, number>> {
  return parseExposition(await m.metricsText());
}

function quiet(): KafkaMetrics {
  return new KafkaMetrics({ brokerId: 0, defaultMetrics: false });
}

describe('KafkaMetrics', () => {
  describe('BrokerTopicMetrics counters', () => {
    it('exports bytes and messages in per topic after markBytesIn', async () => {
      const m = quiet();
      m.markBytesIn('orders', 1000, 10);
      m.markBytesIn('orders', 500, 5);
      m.markBytesIn('payments', 7, 1);
      const s = await scrape(m);
      expect(s.get('kafka_server_brokertopicmetrics_bytesin_total{topic="orders"}')).to.equal(1500);
      expect(s.get('kafka_server_brokertopicmetrics_messagesin_total{topic="orders"}')).to.equal(15);
      expect(s.get('kafka_server_brokertopicmetrics_bytesin_total{topic="payments"}')).to.equal(7);
    });

    it('counts produce and fetch requests and failures per topic', async () => {
      const m = quiet();
      m.markProduceRequest('t');
      m.markProduceRequest('t');
      m.markFailedProduceRequest('t');
      m.markFetchRequest('t');
      m.markFailedFetchRequest('t');
      m.markBytesRejected('t', 99);
      const s = await scrape(m);
      expect(s.get('kafka_server_brokertopicmetrics_totalproducerequests_total{topic="t"}')).to.equal(2);
      expect(s.get('kafka_server_brokertopicmetrics_failedproducerequests_total{topic="t"}')).to.equal(1);
      expect(s.get('kafka_server_brokertopicmetrics_totalfetchrequests_total{topic="t"}')).to.equal(1);
      expect(s.get('kafka_server_brokertopicmetrics_failedfetchrequests_total{topic="t"}')).to.equal(1);
      expect(s.get('kafka_server_brokertopicmetrics_bytesrejected_total{topic="t"}')).to.equal(99);
    });

    it('counts follower fetch bytes as replication bytes out, not as the topic\'s bytes out', async () => {
      const m = quiet();
      m.updateBytesOut('t', false, 300);
      m.updateBytesOut('t', true, 4000);
      m.updateReplicationBytesIn(123);
      const s = await scrape(m);
      expect(s.get('kafka_server_brokertopicmetrics_bytesout_total{topic="t"}')).to.equal(300);
      expect(s.get('kafka_server_brokertopicmetrics_replicationbytesout_total')).to.equal(4000);
      expect(s.get('kafka_server_brokertopicmetrics_replicationbytesin_total')).to.equal(123);
    });

    it('hands out one cached BrokerTopicStats per topic and forgets a removed topic', async () => {
      const m = quiet();
      const stats = m.topicStats('t');
      expect(m.topicStats('t')).to.equal(stats);
      stats.bytesIn += 42;
      expect((await scrape(m)).get('kafka_server_brokertopicmetrics_bytesin_total{topic="t"}')).to.equal(42);
      m.removeTopic('t');
      const text = await m.metricsText();
      expect(text).not.to.include('topic="t"');
    });

    it('exports no per-topic series before any topic saw traffic', async () => {
      const text = await quiet().metricsText();
      expect(text).to.include('# TYPE kafka_server_brokertopicmetrics_bytesin_total counter');
      expect(text).not.to.match(/^kafka_server_brokertopicmetrics_bytesin_total\{/m);
    });
  });

  describe('ReplicaManager and controller counters', () => {
    it('counts ISR shrinks, expands and unclean leader elections', async () => {
      const m = quiet();
      m.markIsrShrink();
      m.markIsrShrink();
      m.markIsrExpand();
      m.markUncleanLeaderElection();
      const s = await scrape(m);
      expect(s.get('kafka_server_replicamanager_isrshrinks_total')).to.equal(2);
      expect(s.get('kafka_server_replicamanager_isrexpands_total')).to.equal(1);
      expect(s.get('kafka_controller_controllerstats_uncleanleaderelections_total')).to.equal(1);
    });
  });

  describe('RequestMetrics', () => {
    it('counts requests and fills the latency histogram per API name, in seconds', async () => {
      const m = quiet();
      m.recordRequest(ApiKeys.PRODUCE, 0.7); // 0.0007 s
      m.recordRequest(ApiKeys.PRODUCE, 3); // 0.003 s
      m.requestMetrics.record(ApiKeys.PRODUCE, 45_000); // above every bucket
      m.recordRequest(ApiKeys.METADATA, 20);
      const s = await scrape(m);
      const name = 'kafka_network_requestmetrics_totaltime_seconds';
      expect(s.get('kafka_network_requestmetrics_requests_total{request="Produce"}')).to.equal(3);
      expect(s.get('kafka_network_requestmetrics_requests_total{request="Metadata"}')).to.equal(1);
      expect(s.get(`${name}_bucket{le="0.0005",request="Produce"}`)).to.equal(0);
      expect(s.get(`${name}_bucket{le="0.001",request="Produce"}`)).to.equal(1);
      expect(s.get(`${name}_bucket{le="0.005",request="Produce"}`)).to.equal(2);
      expect(s.get(`${name}_bucket{le="30",request="Produce"}`)).to.equal(2);
      expect(s.get(`${name}_bucket{le="+Inf",request="Produce"}`)).to.equal(3);
      expect(s.get(`${name}_count{request="Produce"}`)).to.equal(3);
      expect(s.get(`${name}_sum{request="Produce"}`)).to.be.closeTo(45.0037, 1e-9);
      expect(s.get(`${name}_bucket{le="0.025",request="Metadata"}`)).to.equal(1);
      expect(s.get(`${name}_bucket{le="0.01",request="Metadata"}`)).to.equal(0);
      const buckets = [...s.keys()].filter((k) => k.startsWith(`${name}_bucket{`) && k.endsWith('request="Produce"}'));
      expect(buckets).to.have.length(REQUEST_TIME_BUCKETS.length + 1);
    });

    it('counts errors by API and Kafka error name, including negative codes', async () => {
      const m = quiet();
      m.markErrors(ApiKeys.PRODUCE, 6);
      m.markErrors(ApiKeys.PRODUCE, 6, 2);
      m.markErrors(ApiKeys.FETCH, -1);
      m.markErrors(ApiKeys.FETCH, 0, 5);
      const s = await scrape(m);
      expect(s.get('kafka_network_requestmetrics_errors_total{request="Produce",error="NOT_LEADER_OR_FOLLOWER"}')).to.equal(3);
      expect(s.get('kafka_network_requestmetrics_errors_total{request="Fetch",error="UNKNOWN_SERVER_ERROR"}')).to.equal(1);
      expect(s.get('kafka_network_requestmetrics_errors_total{request="Fetch",error="NONE"}')).to.equal(5);
    });

    it('ignores api keys it does not track (negative or from 256 up) instead of throwing', async () => {
      const m = quiet();
      m.recordRequest(-5, 1);
      m.recordRequest(40_000, 1);
      m.markErrors(-1, 3);
      expect(await m.metricsText()).not.to.match(/^kafka_network_requestmetrics_(requests|errors)_total\{/m);
    });
  });

  describe('gauges', () => {
    it('leaves a gauge out until its callback is registered', async () => {
      const m = quiet();
      expect(await m.metricsText()).not.to.include(METRICS.underReplicatedPartitions.name);
      m.registerGauges({ underReplicatedPartitions: () => 0 });
      expect((await scrape(m)).get(METRICS.underReplicatedPartitions.name)).to.equal(0);
    });

    it('reads the callbacks at scrape time', async () => {
      const m = quiet();
      let leaders = 3;
      let calls = 0;
      m.registerGauges({
        leaderCount: () => { calls++; return leaders; },
        partitionCount: () => 7,
        activeControllerCount: () => 1,
        offlinePartitionsCount: () => 2,
        numGroups: () => 4,
        brokerState: () => 3,
      });
      expect(calls).to.equal(0);
      let s = await scrape(m);
      expect(s.get('kafka_server_replicamanager_leadercount')).to.equal(3);
      expect(s.get('kafka_server_replicamanager_partitioncount')).to.equal(7);
      expect(s.get('kafka_controller_kafkacontroller_activecontrollercount')).to.equal(1);
      expect(s.get('kafka_controller_kafkacontroller_offlinepartitionscount')).to.equal(2);
      expect(s.get('kafka_coordinator_group_groupmetadatamanager_numgroups')).to.equal(4);
      expect(s.get('kafka_server_kafkaserver_brokerstate')).to.equal(3);
      leaders = 5;
      s = await scrape(m);
      expect(s.get('kafka_server_replicamanager_leadercount')).to.equal(5);
      expect(calls).to.equal(2);
    });

    it('exports log size and offsets per topic-partition from the logs callback', async () => {
      const m = quiet();
      let logs = [
        { topic: 'a', partition: 0, size: 1024, logStartOffset: 0n, logEndOffset: 17n, numLogSegments: 1 },
        { topic: 'a', partition: 1, size: 0 },
      ];
      m.registerGauges({ logs: () => logs });
      let s = await scrape(m);
      expect(s.get('kafka_log_log_size{topic="a",partition="0"}')).to.equal(1024);
      expect(s.get('kafka_log_log_size{topic="a",partition="1"}')).to.equal(0);
      expect(s.get('kafka_log_log_logendoffset{topic="a",partition="0"}')).to.equal(17);
      expect(s.get('kafka_log_log_logstartoffset{topic="a",partition="0"}')).to.equal(0);
      expect(s.get('kafka_log_log_numlogsegments{topic="a",partition="0"}')).to.equal(1);
      expect(s.has('kafka_log_log_logendoffset{topic="a",partition="1"}')).to.equal(false);
      logs = [{ topic: 'b', partition: 2, size: 5 }];
      s = await scrape(m);
      expect(s.has('kafka_log_log_size{topic="a",partition="0"}')).to.equal(false);
      expect(s.get('kafka_log_log_size{topic="b",partition="2"}')).to.equal(5);
    });

    it('leaves out a gauge whose callback throws and still serves the rest', async () => {
      const m = quiet();
      m.registerGauges({ leaderCount: () => { throw new Error('boom'); }, partitionCount: () => 1 });
      const s = await scrape(m);
      expect(s.has('kafka_server_replicamanager_leadercount')).to.equal(false);
      expect(s.get('kafka_server_replicamanager_partitioncount')).to.equal(1);
    });
  });

  describe('registries', () => {
    it('keeps each broker\'s values in its own registry, never the global one', async () => {
      const a = quiet();
      const b = quiet();
      a.markBytesIn('t', 10, 1);
      expect((await scrape(a)).get('kafka_server_brokertopicmetrics_bytesin_total{topic="t"}')).to.equal(10);
      expect((await scrape(b)).has('kafka_server_brokertopicmetrics_bytesin_total{topic="t"}')).to.equal(false);
      expect(await globalRegistry.metrics()).not.to.include('kafka_server_');
    });

    it('adds prom-client\'s process and Node.js metrics unless disabled', async () => {
      const text = await new KafkaMetrics({ brokerId: 0 }).metricsText();
      expect(text).to.match(/^process_cpu_user_seconds_total /m);
      expect(text).to.match(/^nodejs_heap_size_used_bytes /m);
      expect(await quiet().metricsText()).not.to.include('process_cpu_user_seconds_total');
    });
  });

  describe('configuration', () => {
    it('reads kafkats.metrics.port and kafkats.metrics.host, off (-1) by default', () => {
      const base = { 'zookeeper.connect': 'zk:2181', 'broker.id': 4 };
      expect(KafkaConfig.fromProps(base).getNumber('kafkats.metrics.port')).to.equal(-1);
      expect(KafkaConfig.fromProps(base).getString('kafkats.metrics.host')).to.equal('');
      const env = { KAFKA_CFG_KAFKATS_METRICS_PORT: '9404', KAFKA_CFG_KAFKATS_METRICS_HOST: '127.0.0.1' };
      const c = KafkaConfig.fromProps(base, { env });
      expect(c.getNumber('kafkats.metrics.port')).to.equal(9404);
      expect(c.getString('kafkats.metrics.host')).to.equal('127.0.0.1');
      expect(c.warnings.join('\n')).not.to.include('kafkats.metrics');
      expect(() => KafkaConfig.fromProps({ ...base, 'kafkats.metrics.port': 70000 })).to.throw(/kafkats\.metrics\.port/);
      expect(KafkaMetrics.fromConfig(c, { defaultMetrics: false }).brokerId).to.equal(4);
    });

    it('binds /metrics to the listener\'s host unless kafkats.metrics.host says otherwise', async () => {
      const base = { 'zookeeper.connect': 'zk:2181', 'broker.id': 4, 'kafkats.metrics.port': 0 };
      const boundTo = async (props: Record<string, string | number>): Promise<string | undefined> => {
        const m = KafkaMetrics.fromConfig(KafkaConfig.fromProps({ ...base, ...props }), { defaultMetrics: false });
        try {
          return (await m.start())?.address;
        } finally {
          await m.stop();
        }
      };
      expect(await boundTo({ listeners: 'PLAINTEXT://127.0.0.1:9092' })).to.equal('127.0.0.1');
      expect(await boundTo({ listeners: 'PLAINTEXT://127.0.0.1:9092', 'kafkats.metrics.host': '0.0.0.0' })).to.equal('0.0.0.0');
      // An empty listener host binds every interface, and so does /metrics.
      expect(await boundTo({ listeners: 'PLAINTEXT://:9092' })).to.be.oneOf(['::', '0.0.0.0']);
    });
  });
});
