/** The CLI's pure parts: Kafka's line reader and message formatter, config lists, assignments, log lines. */
import { expect } from 'chai';
import { lineReaderConfig, parseLine } from '../../lib/cli/console-producer.js';
import { formatRecord, formatterConfig } from '../../lib/cli/message-formatter.js';
import { CliError, formatTable, parseConfigList } from '../../lib/cli/cli-support.js';
import { formatDescriptions, parseReplicaAssignment } from '../../lib/cli/topics.js';
import { formatLogLine } from '../../lib/cli/log-format.js';

describe('kafkats CLI formatting', () => {
  it('reads headers, key and value from a line like LineMessageReader, with null.marker', () => {
    const cfg = lineReaderConfig(new Map([['parse.key', 'true'], ['parse.headers', 'true'], ['key.separator', ':'], ['null.marker', 'NULL']]));
    expect(parseLine('h1:a,h2:NULL\tk:v:w', 1, cfg)).to.deep.equal({ key: 'k', value: 'v:w', headers: { h1: 'a', h2: null } });
    expect(parseLine('\tNULL:NULL', 2, cfg)).to.deep.equal({ key: null, value: null, headers: {} });
    expect(() => parseLine('no-delimiter', 3, cfg)).to.throw(CliError, 'No headers delimiter found on line number 3');
    expect(() => lineReaderConfig(new Map([['parse.kee', 'true']]))).to.throw(CliError, "unknown --property 'parse.kee'");
  });

  it('formats records like DefaultMessageFormatter, nulls and missing headers included', () => {
    const all = formatterConfig(new Map([['print.timestamp', 'true'], ['print.partition', 'true'], ['print.offset', 'true'], ['print.headers', 'true'], ['print.key', 'true'], ['key.separator', ' | ']]));
    const rec = { timestampType: 1, timestamp: 5n, partition: 2, offset: 7n, key: null, value: Buffer.from('v'), headers: [['a', Buffer.from('1')], ['b', null]] as Array<[string, Buffer | null]> };
    expect(formatRecord(rec, all)).to.equal('LogAppendTime:5 | Partition:2 | Offset:7 | a:1,b:null | null | v\n');
    expect(formatRecord({ ...rec, headers: [] }, formatterConfig(new Map([['print.headers', 'true'], ['line.separator', '\\n--\\n']])))).to.equal('NO_HEADERS\tv\n--\n');
  });

  it('parses ConfigCommand lists with bracketed values and replica assignments', () => {
    expect([...parseConfigList('a=1,b=[x,y,z],c=')]).to.deep.equal([['a', '1'], ['b', 'x,y,z'], ['c', '']]);
    expect(() => parseConfigList('a=1,b')).to.throw(CliError, "invalid config entry 'b'");
    expect(parseReplicaAssignment('0:1,1:2, 2:0')).to.deep.equal([[0, 1], [1, 2], [2, 0]]);
    expect(() => parseReplicaAssignment('0:0')).to.throw(CliError, 'duplicate');
    expect(() => parseReplicaAssignment('0:1,2')).to.throw(CliError, 'different replication factor');
  });

  it('describes topics in TopicCommand\'s layout and filters under-replicated partitions', () => {
    const d = [{ name: 't', topicId: 'AAAAAAAAAAAAAAAAAAAAAA', isInternal: false, configs: [['retention.ms', '1']] as Array<[string, string]>, partitions: [
      { partition: 0, leader: 1, replicas: [1, 2], isr: [1, 2] },
      { partition: 1, leader: -1, replicas: [2, 0], isr: [2] },
    ] }];
    expect(formatDescriptions(d)).to.equal('Topic: t\tTopicId: AAAAAAAAAAAAAAAAAAAAAA\tPartitionCount: 2\tReplicationFactor: 2\tConfigs: retention.ms=1\n'
      + '\tTopic: t\tPartition: 0\tLeader: 1\tReplicas: 1,2\tIsr: 1,2\n\tTopic: t\tPartition: 1\tLeader: none\tReplicas: 2,0\tIsr: 2\n');
    expect(formatDescriptions(d, { underReplicated: true })).to.equal('\tTopic: t\tPartition: 1\tLeader: none\tReplicas: 2,0\tIsr: 2\n');
    expect(formatTable(['A', 'BB'], [['xxx', 'y']])).to.equal('A    BB\nxxx  y');
  });

  it('renders a pino JSON line in a log4j-like layout and drops levels below the minimum', () => {
    const line = JSON.stringify({ level: 40, time: '2024-05-01T10:00:00.123Z', broker: 2, component: 'kafka.server.KafkaServer', msg: 'slow', ms: 12, err: { message: 'boom' } });
    const out = formatLogLine(line)!;
    expect(out).to.match(/^\[2024-05-0[12] \d\d:\d\d:00,123\] WARN {2}\[broker 2\] slow \(kafka\.server\.KafkaServer\) ms=12 error=boom$/);
    expect(formatLogLine(JSON.stringify({ level: 20, msg: 'x' }))).to.equal(null);
    expect(formatLogLine('plain text', { source: '[broker 1]' })).to.equal('[broker 1] plain text');
    // kafkats' own lines name their level, as log4j does.
    expect(formatLogLine(JSON.stringify({ level: 'error', time: '2024-05-01T10:00:00.123Z', broker: 0, msg: 'bad' }))).to.match(/\] ERROR \[broker 0\] bad$/);
    expect(formatLogLine(JSON.stringify({ level: 'debug', msg: 'x' }))).to.equal(null);
  });
});
