import { expect } from 'chai';
import { parseProperties, parseOverrides, parseEnvOverrides, parseConfluentEnvOverrides } from '../../lib/config/properties.js';
import { ConfigError } from '../../lib/config/config-def.js';

describe('parseProperties (Java properties format)', () => {
  it('accepts key=value, key:value and key value separators, trimming blanks around them', () => {
    const p = parseProperties('a=1\nb:2\nc 3\n  d  =  4\ne\t:\tfive');
    expect(Object.fromEntries(p)).to.deep.equal({ a: '1', b: '2', c: '3', d: '4', e: 'five' });
  });

  it('skips # and ! comment lines and blank lines', () => {
    const p = parseProperties('# a comment\n! another\n\n   \n  # indented comment\nkey=value');
    expect([...p.keys()]).to.deep.equal(['key']);
  });

  it('does not treat # inside a value as a comment', () => {
    expect(parseProperties('k=a#b').get('k')).to.equal('a#b');
  });

  it('joins continued lines and drops the leading blanks of the continuation', () => {
    const p = parseProperties('listeners=PLAINTEXT://:9092,\\\n    SSL://:9093\nnext=1');
    expect(p.get('listeners')).to.equal('PLAINTEXT://:9092,SSL://:9093');
    expect(p.get('next')).to.equal('1');
  });

  it('does not continue a line ending in an escaped backslash', () => {
    const p = parseProperties('path=C:\\\\dir\\\\\nother=x');
    expect(p.get('path')).to.equal('C:\\dir\\');
    expect(p.get('other')).to.equal('x');
  });

  it('continues onto a line that looks like a comment', () => {
    expect(parseProperties('k=a\\\n#b').get('k')).to.equal('a#b');
  });

  it('decodes escapes \\t \\n \\uXXXX and escaped separators in keys', () => {
    const p = parseProperties('my\\=key\\:x=tab\\there\\nnl \\u0041\\q');
    expect(p.get('my=key:x')).to.equal('tab\there\nnl Aq');
  });

  it('keeps an empty value for a key without one, and the last duplicate wins', () => {
    const p = parseProperties('empty=\nbare\nk=1\nk=2');
    expect(p.get('empty')).to.equal('');
    expect(p.get('bare')).to.equal('');
    expect(p.get('k')).to.equal('2');
  });

  it('handles CRLF and CR line endings', () => {
    expect(Object.fromEntries(parseProperties('a=1\r\nb=2\rc=3'))).to.deep.equal({ a: '1', b: '2', c: '3' });
  });

  it('keeps trailing blanks of a value as Java does', () => {
    expect(parseProperties('k=v  ').get('k')).to.equal('v  ');
  });

  it('throws a ConfigError for a malformed \\u escape', () => {
    expect(() => parseProperties('k=\\u12')).to.throw(ConfigError, /Malformed \\uxxxx encoding on line 1/);
  });
});

describe('parseOverrides', () => {
  it('splits on the first = only', () => {
    expect(parseOverrides(['a=b=c', 'x= y']).get('a')).to.equal('b=c');
  });

  it('rejects an item without key=value', () => {
    expect(() => parseOverrides(['novalue'])).to.throw(ConfigError, /expected key=value/);
  });
});

describe('parseEnvOverrides', () => {
  it('maps KAFKA_CFG_LOG_RETENTION_MS to log.retention.ms and ignores other variables', () => {
    const m = parseEnvOverrides({ KAFKA_CFG_LOG_RETENTION_MS: '5', PATH: '/bin', KAFKA_HEAP_OPTS: 'x', KAFKA_CFG_: 'y' });
    expect(Object.fromEntries(m)).to.deep.equal({ 'log.retention.ms': '5' });
  });

  it('maps a double underscore to a dash', () => {
    expect([...parseEnvOverrides({ KAFKA_CFG_A__B_C: '1' }).keys()]).to.deep.equal(['a-b.c']);
  });
});

describe('parseConfluentEnvOverrides', () => {
  const known = (name: string): string | undefined => ['zookeeper.connect', 'a_b.c-d'].find((k) => k === name);

  it('maps KAFKA_ZOOKEEPER_CONNECT to zookeeper.connect and skips names that are not known keys', () => {
    const m = parseConfluentEnvOverrides({ KAFKA_ZOOKEEPER_CONNECT: 'zk:2181', KAFKA_HEAP_OPTS: 'x', KAFKA_CFG_ZOOKEEPER_CONNECT: 'y', PATH: '/bin' }, known);
    expect(Object.fromEntries(m)).to.deep.equal({ 'zookeeper.connect': 'zk:2181' });
  });

  it('reads ___ as an underscore, __ as a dash and _ as a dot, as the Confluent image does', () => {
    expect(Object.fromEntries(parseConfluentEnvOverrides({ KAFKA_A___B_C__D: '1' }, known))).to.deep.equal({ 'a_b.c-d': '1' });
  });
});
