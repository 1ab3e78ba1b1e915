import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { KafkaConfig } from '../../lib/config/kafka-config.js';
import { ConfigError, LONG_MAX } from '../../lib/config/config-def.js';
import { BROKER_CONFIG_DEF } from '../../lib/config/broker-configs.js';

const ZK = 'zookeeper.connect=127.0.0.1:2181\n';

function fromText(text: string, options = {}): KafkaConfig {
  return KafkaConfig.fromProperties(ZK + text, options);
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('KafkaConfig', () => {
  describe('defaults', () => {
    it('defines well over 120 broker keys', () => {
      expect(BROKER_CONFIG_DEF.size).to.be.greaterThan(120);
    });

    it('uses Kafka\'s defaults when nothing is set', () => {
      const c = fromText('');
      expect(c.brokerId).to.equal(-1);
      expect(c.numPartitions).to.equal(1);
      expect(c.defaultReplicationFactor).to.equal(1);
      expect(c.messageMaxBytes).to.equal(1048588);
      expect(c.socketRequestMaxBytes).to.equal(104857600);
      expect(c.autoCreateTopicsEnable).to.equal(true);
      expect(c.deleteTopicEnable).to.equal(true);
      expect(c.zkSessionTimeoutMs).to.equal(18000);
      expect(c.logDirs).to.deep.equal(['/tmp/kafka-logs']);
      expect(c.logRetentionTimeMillis).to.equal(168 * 3600 * 1000);
      expect(c.logRollTimeMillis).to.equal(168 * 3600 * 1000);
      expect(c.logFlushIntervalMs).to.equal(LONG_MAX);
      const expected: Record<string, unknown> = {
        'log.segment.bytes': 1073741824, 'offsets.topic.num.partitions': 50, 'offsets.topic.replication.factor': 3,
        'transaction.state.log.num.partitions': 50, 'transaction.state.log.replication.factor': 3,
        'transaction.state.log.min.isr': 2, 'group.initial.rebalance.delay.ms': 3000,
        'group.min.session.timeout.ms': 6000, 'group.max.session.timeout.ms': 1800000,
        'replica.lag.time.max.ms': 30000, 'unclean.leader.election.enable': false,
        'auto.leader.rebalance.enable': true, 'leader.imbalance.per.broker.percentage': 10,
        'leader.imbalance.check.interval.seconds': 300, 'controlled.shutdown.enable': true,
        'controlled.shutdown.max.retries': 3, 'fetch.max.bytes': 57671680,
        'num.replica.fetchers': 1, 'replica.fetch.max.bytes': 1048576, 'connections.max.idle.ms': 600000,
        'offsets.retention.minutes': 10080, 'offsets.commit.timeout.ms': 5000, 'transaction.max.timeout.ms': 900000,
        'producer.id.expiration.ms': 86400000, 'log.retention.check.interval.ms': 300000, 'log.preallocate': false,
        'log.cleaner.dedupe.buffer.size': 134217728, 'min.insync.replicas': 1, 'compression.type': 'producer',
        'log.message.timestamp.type': 'CreateTime', 'request.timeout.ms': 30000,
      };
      for (const [k, v] of Object.entries(expected)) expect(c.get(k), k).to.equal(v);
      expect(c.getList('log.cleanup.policy')).to.deep.equal(['delete']);
    });

    it('knows connection.failed.authentication.delay.ms by Kafka\'s name and checks it against connections.max.idle.ms', () => {
      const c = fromText('connection.failed.authentication.delay.ms=250\n');
      expect(c.warnings).to.deep.equal([]);
      expect(c.getNumber('connection.failed.authentication.delay.ms')).to.equal(250);
      expect(errorOf(() => fromText('connection.failed.authentication.delay.ms=1000\nconnections.max.idle.ms=1000\n')).message).to.match(/connection\.failed\.authentication\.delay\.ms/);
    });

    it('loads the sample config/server.properties without warnings', () => {
      const text = readFileSync(new URL('../../config/server.properties', import.meta.url), 'utf8');
      const c = KafkaConfig.fromProperties(text);
      expect(c.warnings).to.deep.equal([]);
      expect(c.brokerId).to.equal(0);
      expect(c.listeners.map((l) => `${l.listenerName}:${l.host}:${l.port}`)).to.deep.equal(['PLAINTEXT:localhost:9092']);
      expect(c.logDirs).to.deep.equal(['./data/broker-0']);
      expect(c.zkConnect).to.equal('127.0.0.1:2181');
    });
  });

  describe('precedence: file < environment < overrides', () => {
    it('lets KAFKA_CFG_* beat the file and --override beat both', () => {
      const c = fromText('num.partitions=2\nlog.retention.ms=100\nbroker.id=1', {
        env: { KAFKA_CFG_NUM_PARTITIONS: '3', KAFKA_CFG_LOG_RETENTION_MS: '200' },
        overrides: ['log.retention.ms=300'],
      });
      expect(c.numPartitions).to.equal(3);
      expect(c.logRetentionTimeMillis).to.equal(300);
      expect(c.brokerId).to.equal(1);
      expect(c.origins.get('num.partitions')).to.equal('env');
      expect(c.origins.get('log.retention.ms')).to.equal('override');
      expect(c.origins.get('broker.id')).to.equal('file');
    });

    it('maps environment names to camelCase keys case-insensitively', () => {
      const c = fromText('', { env: { KAFKA_CFG_ZOOKEEPER_CLIENTCNXNSOCKET: 'x' } });
      expect(c.get('zookeeper.clientCnxnSocket')).to.equal('x');
      expect(c.warnings).to.deep.equal([]);
    });

    it('accepts the Confluent image\'s KAFKA_* names for known keys beside KAFKA_CFG_*, which wins', () => {
      const c = fromText('num.partitions=2', {
        env: {
          KAFKA_ZOOKEEPER_CONNECT: 'zk-1:2181,zk-2:2181',
          KAFKA_MIN_INSYNC_REPLICAS: '2',
          KAFKA_BROKER_ID: '4',
          KAFKA_CFG_BROKER_ID: '7',
          KAFKA_ZOOKEEPER_CLIENTCNXNSOCKET: 'x',
          KAFKA_HEAP_OPTS: '-Xmx1G',
          KAFKA_OPTS: '-Dfoo=bar',
          KAFKA_JMX_PORT: '9999',
        },
      });
      expect(c.zkConnect).to.equal('zk-1:2181,zk-2:2181');
      expect(c.getNumber('min.insync.replicas')).to.equal(2);
      expect(c.brokerId).to.equal(7);
      expect(c.get('zookeeper.clientCnxnSocket')).to.equal('x');
      expect(c.origins.get('min.insync.replicas')).to.equal('env');
      expect(c.warnings).to.deep.equal([]);
    });

    it('reads no environment unless asked to', () => {
      process.env.KAFKA_CFG_NUM_PARTITIONS = '9';
      try {
        expect(fromText('').numPartitions).to.equal(1);
      } finally {
        delete process.env.KAFKA_CFG_NUM_PARTITIONS;
      }
    });

    it('accepts typed props and an override map', () => {
      const c = KafkaConfig.fromProps({ 'zookeeper.connect': 'zk:2181', 'broker.id': 5, 'auto.create.topics.enable': false },
        { overrides: { 'num.partitions': 4 } });
      expect(c.brokerId).to.equal(5);
      expect(c.autoCreateTopicsEnable).to.equal(false);
      expect(c.numPartitions).to.equal(4);
    });
  });

  describe('unknown keys', () => {
    it('warns and keeps going', () => {
      const c = fromText('no.such.key=1', { env: { KAFKA_CFG_ALSO_UNKNOWN: 'x' } });
      expect(c.warnings).to.have.length(2);
      expect(c.warnings[0]).to.match(/no\.such\.key/);
      expect(c.warnings[1]).to.match(/also\.unknown.*env/);
      expect(c.originals.get('no.such.key')).to.equal('1');
    });
  });

  describe('validation', () => {
    it('requires zookeeper.connect', () => {
      const e = errorOf(() => KafkaConfig.fromProperties('broker.id=1'));
      expect(e.key).to.equal('zookeeper.connect');
      expect(e.message).to.match(/Missing required configuration `zookeeper.connect`/);
    });

    it('names the key and the value of a non-numeric int', () => {
      const e = errorOf(() => fromText('num.partitions=many'));
      expect(e.message).to.equal('Invalid value many for configuration num.partitions: Not a number of type INT');
      expect(e.key).to.equal('num.partitions');
      expect(e.value).to.equal('many');
    });

    it('rejects an int outside the Java int range', () => {
      expect(() => fromText('num.partitions=2147483648')).to.throw(ConfigError, /Not a number of type INT/);
    });

    it('enforces ranges', () => {
      expect(() => fromText('num.partitions=0')).to.throw(ConfigError, /num\.partitions: Value must be at least 1/);
      expect(() => fromText('log.cleaner.min.cleanable.ratio=1.5')).to.throw(ConfigError, /Value must be no more than 1/);
    });

    it('rejects a bad boolean, a bad enum value and a bad list element', () => {
      expect(() => fromText('delete.topic.enable=yes')).to.throw(ConfigError, /delete\.topic\.enable: Expected value to be either true or false/);
      expect(() => fromText('compression.type=brotli')).to.throw(ConfigError, /Invalid value brotli for configuration compression\.type: String must be one of/);
      expect(() => fromText('log.cleanup.policy=delete,shred')).to.throw(ConfigError, /log\.cleanup\.policy/);
    });

    it('accepts booleans in any case and trims values', () => {
      expect(fromText('delete.topic.enable= FALSE ').deleteTopicEnable).to.equal(false);
    });

    it('checks broker.id against reserved.broker.max.id', () => {
      expect(() => fromText('broker.id=1001')).to.throw(ConfigError, /reserved\.broker\.max\.id/);
      expect(() => fromText('broker.id=-2')).to.throw(ConfigError, /broker\.id/);
      expect(() => fromText('broker.id=-1\nbroker.id.generation.enable=false')).to.throw(ConfigError, /greater than or equal to 0/);
    });

    it('rejects a zero retention and accepts -1 (unlimited)', () => {
      expect(() => fromText('log.retention.ms=0')).to.throw(ConfigError, /log\.retention\.ms must be unlimited/);
      expect(fromText('log.retention.ms=-1').logRetentionTimeMillis).to.equal(-1);
      expect(fromText('log.retention.ms=-5').logRetentionTimeMillis).to.equal(-1);
    });

    it('rejects KRaft mode', () => {
      expect(() => fromText('process.roles=broker')).to.throw(ConfigError, /ZooKeeper mode only/);
    });

    it('checks replica fetch wait against socket timeout and lag time', () => {
      expect(() => fromText('replica.fetch.wait.max.ms=40000')).to.throw(ConfigError, /replica\.socket\.timeout\.ms should always be at least/);
      expect(() => fromText('replica.fetch.wait.max.ms=20000\nreplica.lag.time.max.ms=10000')).to.throw(ConfigError, /replica\.fetch\.wait\.max\.ms/);
    });

    it('checks offsets.commit.required.acks against the offsets topic replication factor', () => {
      expect(() => fromText('offsets.commit.required.acks=4')).to.throw(ConfigError, /offsets\.commit\.required\.acks/);
    });

    it('checks queued.max.request.bytes against socket.request.max.bytes', () => {
      expect(() => fromText('queued.max.request.bytes=10')).to.throw(ConfigError, /queued\.max\.request\.bytes/);
      expect(fromText('queued.max.request.bytes=104857600').get('queued.max.request.bytes')).to.equal(104857600);
    });

    it('bounds queued.max.request.bytes by default (Kafka: -1), never below socket.request.max.bytes unless set', () => {
      expect(fromText('').get('queued.max.request.bytes')).to.equal(104857600);
      expect(fromText('').queuedMaxRequestBytes).to.equal(104857600);
      expect(fromText('socket.request.max.bytes=209715200').queuedMaxRequestBytes).to.equal(209715200);
      expect(fromText('queued.max.request.bytes=-1').queuedMaxRequestBytes).to.equal(-1);
      expect(fromText('queued.max.request.bytes=524288000').queuedMaxRequestBytes).to.equal(524288000);
    });

    it('range-checks longs as Java longs and clamps Long.MAX_VALUE to LONG_MAX', () => {
      expect(fromText('log.flush.interval.messages=9223372036854775807').get('log.flush.interval.messages')).to.equal(LONG_MAX);
      expect(() => fromText('log.flush.interval.messages=9223372036854775808')).to.throw(ConfigError, /Not a number of type LONG/);
    });

    it('rejects duplicate log directories', () => {
      expect(() => fromText('log.dirs=/a,/b,/a')).to.throw(ConfigError, /Duplicate log directory \/a/);
    });
  });

  describe('derived values', () => {
    it('takes log.retention.ms over minutes over hours', () => {
      expect(fromText('log.retention.hours=1').logRetentionTimeMillis).to.equal(3600000);
      expect(fromText('log.retention.hours=1\nlog.retention.minutes=2').logRetentionTimeMillis).to.equal(120000);
      expect(fromText('log.retention.hours=1\nlog.retention.minutes=2\nlog.retention.ms=7').logRetentionTimeMillis).to.equal(7);
    });

    it('takes log.roll.ms over log.roll.hours, and the same for jitter', () => {
      expect(fromText('log.roll.hours=2').logRollTimeMillis).to.equal(7200000);
      expect(fromText('log.roll.hours=2\nlog.roll.ms=5').logRollTimeMillis).to.equal(5);
      expect(fromText('log.roll.jitter.hours=1').logRollTimeJitterMillis).to.equal(3600000);
      expect(fromText('log.roll.jitter.hours=1\nlog.roll.jitter.ms=3').logRollTimeJitterMillis).to.equal(3);
    });

    it('takes log.flush.interval.ms over log.flush.scheduler.interval.ms', () => {
      expect(fromText('log.flush.scheduler.interval.ms=100').logFlushIntervalMs).to.equal(100);
      expect(fromText('log.flush.scheduler.interval.ms=100\nlog.flush.interval.ms=50').logFlushIntervalMs).to.equal(50);
    });

    it('falls back from log.dirs to log.dir', () => {
      expect(fromText('log.dir=/x').logDirs).to.deep.equal(['/x']);
      expect(fromText('log.dir=/x\nlog.dirs=/a, /b').logDirs).to.deep.equal(['/a', '/b']);
    });

    it('falls back from zookeeper.connection.timeout.ms to the session timeout', () => {
      expect(fromText('zookeeper.session.timeout.ms=6000').zkConnectionTimeoutMs).to.equal(6000);
      expect(fromText('zookeeper.connection.timeout.ms=1000').zkConnectionTimeoutMs).to.equal(1000);
    });

    it('produces topic defaults from log.* keys in logConfig()', () => {
      const lc = fromText('log.retention.minutes=10\nlog.segment.bytes=2048\nlog.cleanup.policy=delete,compact\n'
        + 'message.max.bytes=500\nlog.roll.hours=1\nmin.insync.replicas=2\nlog.message.timestamp.type=LogAppendTime').logConfig();
      expect(lc['retention.ms']).to.equal(600000);
      expect(lc['segment.bytes']).to.equal(2048);
      expect(lc['cleanup.policy']).to.equal('compact,delete');
      expect(lc['max.message.bytes']).to.equal(500);
      expect(lc['segment.ms']).to.equal(3600000);
      expect(lc['min.insync.replicas']).to.equal(2);
      expect(lc['message.timestamp.type']).to.equal('LogAppendTime');
      expect(lc['flush.messages']).to.equal(LONG_MAX);
      expect(lc.overriddenConfigs.size).to.equal(0);
    });
  });

  describe('authorizer', () => {
    it('is off by default; Kafka\'s AclAuthorizer (or its old name) turns it on with super.users and allow.everyone.if.no.acl.found', () => {
      expect(fromText('').authorizer).to.equal(null);
      const c = fromText('authorizer.class.name=kafka.security.auth.SimpleAclAuthorizer\nsuper.users=User:admin; User:ANONYMOUS\nallow.everyone.if.no.acl.found=true\n');
      expect(c.authorizer?.className).to.equal('kafka.security.auth.SimpleAclAuthorizer');
      expect(c.authorizer?.superUsers.map(String)).to.deep.equal(['User:admin', 'User:ANONYMOUS']);
      expect(c.authorizer?.allowEveryoneIfNoAclIsFound).to.equal(true);
      expect(fromText('authorizer.class.name=kafka.security.authorizer.AclAuthorizer\n').authorizer?.allowEveryoneIfNoAclIsFound).to.equal(false);
      expect(c.warnings).to.deep.equal([]);
    });

    it('refuses an authorizer kafkats does not implement and super.users that are not principals', () => {
      expect(errorOf(() => fromText('authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer\n')).key).to.equal('authorizer.class.name');
      expect(errorOf(() => fromText('authorizer.class.name=kafka.security.authorizer.AclAuthorizer\nsuper.users=admin\n')).key).to.equal('super.users');
    });
  });

  describe('listeners', () => {
    it('parses several listeners, an empty host and an IPv6 host', () => {
      const c = fromText('listeners=PLAINTEXT://:9092,internal://[::1]:9093\n'
        + 'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT\ninter.broker.listener.name=internal');
      expect(c.listeners).to.deep.equal([
        { listenerName: 'PLAINTEXT', host: '', port: 9092, securityProtocol: 'PLAINTEXT' },
        { listenerName: 'INTERNAL', host: '::1', port: 9093, securityProtocol: 'PLAINTEXT' },
      ]);
      expect(c.interBrokerListenerName).to.equal('INTERNAL');
      expect(c.interBrokerSecurityProtocol).to.equal('PLAINTEXT');
    });

    it('falls back from advertised.listeners to listeners', () => {
      const c = fromText('listeners=PLAINTEXT://0.0.0.0:9092\nadvertised.listeners=PLAINTEXT://broker1:19092');
      expect(c.advertisedListeners.map((l) => `${l.host}:${l.port}`)).to.deep.equal(['broker1:19092']);
      expect(fromText('listeners=PLAINTEXT://h:1').advertisedListeners.map((l) => l.host)).to.deep.equal(['h']);
    });

    it('refuses to advertise 0.0.0.0', () => {
      expect(() => fromText('listeners=PLAINTEXT://0.0.0.0:9092')).to.throw(ConfigError, /nonroutable meta-address 0\.0\.0\.0/);
    });

    it('needs a security protocol for every listener name', () => {
      expect(() => fromText('listeners=EXTERNAL://:9092')).to.throw(ConfigError, /No security protocol defined for listener EXTERNAL/);
    });

    it('rejects malformed endpoints, bad ports, repeated names and repeated ports', () => {
      expect(() => fromText('listeners=localhost:9092')).to.throw(ConfigError, /Unable to parse localhost:9092/);
      expect(() => fromText('listeners=PLAINTEXT://:70000')).to.throw(ConfigError, /not in 0\.\.65535/);
      expect(() => fromText('listeners=PLAINTEXT://:1,PLAINTEXT://:2')).to.throw(ConfigError, /different name/);
      expect(() => fromText('listeners=PLAINTEXT://:1,SSL://:1\nsecurity.inter.broker.protocol=PLAINTEXT')).to.throw(ConfigError, /different port/);
    });

    it('allows one IPv4 and one IPv6 listener on the same port', () => {
      const c = fromText('listeners=PLAINTEXT://127.0.0.1:9092,SSL://[::1]:9092\nssl.keystore.type=PEM\nssl.keystore.location=/k.pem');
      expect(c.listeners).to.have.length(2);
      expect(c.listenerSecurity.get('SSL')?.ssl?.keystore?.location).to.equal('/k.pem');
    });

    it('requires the inter-broker listener among the advertised listeners', () => {
      expect(() => fromText('listeners=SSL://:9093')).to.throw(ConfigError, /inter\.broker\.listener\.name must be a listener name defined in advertised\.listeners/);
    });

    it('rejects setting both inter.broker.listener.name and security.inter.broker.protocol', () => {
      expect(() => fromText('inter.broker.listener.name=PLAINTEXT\nsecurity.inter.broker.protocol=PLAINTEXT')).to.throw(ConfigError, /Only one of/);
    });

    it('rejects advertised listener names that are not listeners', () => {
      expect(() => fromText('listeners=PLAINTEXT://:9092\nadvertised.listeners=PLAINTEXT://h:9092,SSL://h:9093'))
        .to.throw(ConfigError, /subset of the ones defined in listeners/);
    });

    it('rejects an unknown security protocol in the map', () => {
      expect(() => fromText('listener.security.protocol.map=PLAINTEXT:TLS')).to.throw(ConfigError, /Invalid security protocol `TLS`/);
    });
  });
});
