import { expect } from 'chai';
import { KafkaConfig } from '../../lib/config/kafka-config.js';
import { ConfigError } from '../../lib/config/config-def.js';

const BASE = 'zookeeper.connect=localhost:2181\nlog.dirs=/tmp/kafkats-x\n';
const fromText = (text: string): KafkaConfig => KafkaConfig.fromProperties(BASE + text);
const PLAIN_JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="admin-secret" user_admin="admin-secret";';
const SCRAM_JAAS = 'org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="admin-secret";';

describe('Listener security config', () => {
  it('reads per-listener SSL overrides and per-mechanism JAAS and re-authentication, without unknown-key warnings', () => {
    const c = fromText([
      'listeners=INTERNAL://:9092,EXTERNAL://:9093',
      'listener.security.protocol.map=INTERNAL:SASL_SSL,EXTERNAL:SSL',
      'inter.broker.listener.name=INTERNAL',
      'ssl.keystore.type=PKCS12', 'ssl.keystore.location=/broker.p12', 'ssl.keystore.password=pw',
      'listener.name.external.ssl.client.auth=required',
      'listener.name.external.ssl.keystore.location=/external.p12',
      'listener.name.internal.sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN',
      'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
      `listener.name.internal.scram-sha-512.sasl.jaas.config=${SCRAM_JAAS}`,
      `listener.name.internal.plain.sasl.jaas.config=${PLAIN_JAAS}`,
      'listener.name.internal.plain.connections.max.reauth.ms=60000',
      'connections.max.reauth.ms=3600000',
    ].join('\n'));
    expect(c.warnings).to.deep.equal([]);
    const ext = c.listenerSecurity.get('EXTERNAL')!;
    expect(ext.ssl?.clientAuth).to.equal('required');
    expect(ext.ssl?.keystore).to.deep.include({ type: 'PKCS12', location: '/external.p12', password: 'pw' });
    expect(ext.sasl).to.equal(null);
    const internal = c.listenerSecurity.get('INTERNAL')!;
    expect(internal.ssl?.clientAuth).to.equal('none');
    expect(internal.sasl?.enabledMechanisms).to.deep.equal(['SCRAM-SHA-512', 'PLAIN']);
    expect(internal.sasl?.mechanisms.get('PLAIN')?.connectionsMaxReauthMs).to.equal(60000);
    expect(internal.sasl?.mechanisms.get('SCRAM-SHA-512')?.connectionsMaxReauthMs).to.equal(3600000);
    expect(internal.sasl?.mechanisms.get('PLAIN')?.jaas.options.get('user_admin')).to.equal('admin-secret');
    expect(c.interBrokerSecurity).to.deep.include({ listenerName: 'INTERNAL', securityProtocol: 'SASL_SSL' });
    expect(c.interBrokerSecurity.sasl?.mechanism).to.equal('SCRAM-SHA-512');
    expect(c.interBrokerSecurity.sasl?.jaas.options.get('username')).to.equal('admin');
    expect(c.listenerSecurity.get('EXTERNAL')!.ssl?.endpointIdentificationAlgorithm).to.equal('https');
  });

  it('refuses what it cannot serve, naming the key: GSSAPI (Kafka\'s default), unknown mechanisms, missing or foreign JAAS', () => {
    const sasl = 'listeners=PLAINTEXT://:9092,SASL_PLAINTEXT://:9093\n';
    expect(() => fromText(sasl)).to.throw(ConfigError, /GSSAPI \(Kerberos\).*cannot serve it.*sasl\.enabled\.mechanisms/);
    expect(() => fromText(`${sasl}sasl.enabled.mechanisms=PLAIN,DIGEST-MD5`)).to.throw(ConfigError, /Unsupported SASL mechanism DIGEST-MD5/);
    expect(() => fromText(`${sasl}sasl.enabled.mechanisms=PLAIN`)).to.throw(ConfigError, /No JAAS configuration for SASL mechanism PLAIN on listener SASL_PLAINTEXT: set listener\.name\.sasl_plaintext\.plain\.sasl\.jaas\.config/);
    expect(() => fromText(`${sasl}sasl.enabled.mechanisms=PLAIN\nlistener.name.sasl_plaintext.plain.sasl.jaas.config=${SCRAM_JAAS}`))
      .to.throw(ConfigError, /login module org\.apache\.kafka\.common\.security\.scram\.ScramLoginModule.*needs org\.apache\.kafka\.common\.security\.plain\.PlainLoginModule/);
    expect(() => fromText(`${sasl}sasl.enabled.mechanisms=PLAIN\nlistener.name.sasl_plaintext.plain.sasl.jaas.config=garbage`))
      .to.throw(ConfigError, /Invalid listener\.name\.sasl_plaintext\.plain\.sasl\.jaas\.config: Login module control flag not specified/);
    expect(() => fromText(`${sasl}sasl.enabled.mechanisms=PLAIN\nlistener.name.sasl_plaintext.plain.sasl.jaas.config=${PLAIN_JAAS}\n`
      + 'listener.name.sasl_plaintext.plain.sasl.server.callback.handler.class=com.example.Handler')).to.throw(ConfigError, /cannot load Java classes/);
    expect(() => fromText('principal.builder.class=com.example.Builder')).to.throw(ConfigError, /principal\.builder\.class/);
  });

  it('an SSL listener needs a key store', () => {
    expect(() => fromText('listeners=PLAINTEXT://:9092,SSL://:9093')).to.throw(ConfigError, /SSL key store is not specified for listener SSL/);
    expect(fromText('listeners=PLAINTEXT://:9092,SSL://:9093\nssl.keystore.type=PEM\nssl.keystore.certificate.chain=C\nssl.keystore.key=K')
      .listenerSecurity.get('SSL')?.ssl?.keystore).to.deep.include({ type: 'PEM', certificates: 'C', key: 'K' });
  });

  it('inter-broker SASL needs its mechanism enabled and the broker\'s own credentials', () => {
    const base = `listeners=SASL_PLAINTEXT://:9093\nsecurity.inter.broker.protocol=SASL_PLAINTEXT\nsasl.enabled.mechanisms=PLAIN\nlistener.name.sasl_plaintext.plain.sasl.jaas.config=`;
    expect(() => fromText(`${base}${PLAIN_JAAS}`)).to.throw(ConfigError, /sasl\.mechanism\.inter\.broker\.protocol must be included in sasl\.enabled\.mechanisms/);
    expect(() => fromText(`${base}org.apache.kafka.common.security.plain.PlainLoginModule required user_admin="x";\nsasl.mechanism.inter.broker.protocol=PLAIN`))
      .to.throw(ConfigError, /must hold the broker's own credentials for inter-broker SASL\/PLAIN: username=/);
    const ok = fromText(`${base}${PLAIN_JAAS}\nsasl.mechanism.inter.broker.protocol=PLAIN`);
    expect(ok.interBrokerSecurity.sasl?.mechanism).to.equal('PLAIN');
  });
});
