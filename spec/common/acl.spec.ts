import { expect } from 'chai';
import { AclOperation, AclPermissionType, aceToString, bindingFilterIndefiniteField, Op, Permission, toOperationsBitField } from '../../lib/common/acl.js';
import { PatternType, PT, ResourceType, RT, patternFilterMatches, resourcePatternToString } from '../../lib/common/resource.js';
import { hostAddress, KafkaPrincipal, parseKafkaPrincipal } from '../../lib/common/kafka-principal.js';

describe('ACL model (org.apache.kafka.common.acl / resource)', () => {
  it('names enums as Kafka does: constant names, Pascal case (SecurityUtils), lenient reads, UNKNOWN otherwise', () => {
    expect(ResourceType.pascalName(RT.TRANSACTIONAL_ID)).to.equal('TransactionalId');
    expect(AclOperation.pascalName(Op.CLUSTER_ACTION)).to.equal('ClusterAction');
    expect(AclPermissionType.pascalName(Permission.ALLOW)).to.equal('Allow');
    expect(AclOperation.fromPascalName('IdempotentWrite')).to.equal(Op.IDEMPOTENT_WRITE);
    expect(AclOperation.fromPascalName('idempotentwrite')).to.equal(Op.IDEMPOTENT_WRITE);
    expect(AclOperation.fromPascalName('IDEMPOTENT_WRITE')).to.equal(Op.UNKNOWN);
    expect(ResourceType.fromString('transactional_id')).to.equal(RT.TRANSACTIONAL_ID);
    expect(ResourceType.fromString('TransactionalId')).to.equal(RT.UNKNOWN);
    expect(PatternType.fromString('prefixed')).to.equal(PT.PREFIXED);
    expect(ResourceType.fromCode(42)).to.equal(RT.UNKNOWN);
    expect(ResourceType.name(RT.TOPIC)).to.equal('TOPIC');
  });

  it('prints patterns and entries as Kafka\'s toString', () => {
    expect(resourcePatternToString({ resourceType: RT.TOPIC, name: 'orders', patternType: PT.LITERAL })).to.equal('ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL)');
    expect(aceToString({ principal: 'User:alice', host: '*', operation: Op.READ, permissionType: Permission.ALLOW }))
      .to.equal('(principal=User:alice, host=*, operation=READ, permissionType=ALLOW)');
  });

  it('parses principals at the first colon and refuses text without one', () => {
    const p = parseKafkaPrincipal('User:CN=a:b');
    expect([p.principalType, p.name, p.toString()]).to.deep.equal(['User', 'CN=a:b', 'User:CN=a:b']);
    expect(() => parseKafkaPrincipal('alice')).to.throw(/principalType:principalName/);
    expect(() => parseKafkaPrincipal('')).to.throw();
    expect(KafkaPrincipal.ANONYMOUS.toString()).to.equal('User:ANONYMOUS');
  });

  it('writes client addresses as Java\'s getHostAddress (the ACL host text)', () => {
    expect(hostAddress('127.0.0.1')).to.equal('127.0.0.1');
    expect(hostAddress('::ffff:10.1.2.3')).to.equal('10.1.2.3');
    expect(hostAddress('::1')).to.equal('0:0:0:0:0:0:0:1');
    expect(hostAddress('fe80::0a:1%eth0')).to.equal('fe80:0:0:0:0:0:a:1%eth0');
    expect(hostAddress('2001:db8::')).to.equal('2001:db8:0:0:0:0:0:0');
    expect(hostAddress('unknown')).to.equal('unknown');
  });

  it('pattern filters: a specific type matches the name exactly, ANY any type by name, MATCH what applies', () => {
    const lit = { resourceType: RT.TOPIC, name: 'orders', patternType: PT.LITERAL };
    const star = { resourceType: RT.TOPIC, name: '*', patternType: PT.LITERAL };
    const pre = { resourceType: RT.TOPIC, name: 'ord', patternType: PT.PREFIXED };
    const f = (name: string | null, patternType: number, resourceType: number = RT.TOPIC) => ({ resourceType, name, patternType });
    expect([lit, star, pre].map((p) => patternFilterMatches(f('orders', PT.LITERAL), p))).to.deep.equal([true, false, false]);
    expect([lit, star, pre].map((p) => patternFilterMatches(f('ord', PT.ANY), p))).to.deep.equal([false, false, true]);
    expect([lit, star, pre].map((p) => patternFilterMatches(f('orders', PT.MATCH), p))).to.deep.equal([true, true, true]);
    expect([lit, star, pre].map((p) => patternFilterMatches(f(null, PT.ANY, RT.GROUP), p))).to.deep.equal([false, false, false]);
  });

  it('knows when a filter may match more than one binding; bit fields carry operation codes', () => {
    expect(bindingFilterIndefiniteField({
      patternFilter: { resourceType: RT.TOPIC, name: 't', patternType: PT.LITERAL },
      entryFilter: { principal: 'User:a', host: '*', operation: Op.READ, permissionType: Permission.ALLOW },
    })).to.equal(null);
    expect(bindingFilterIndefiniteField({
      patternFilter: { resourceType: RT.TOPIC, name: 't', patternType: PT.MATCH },
      entryFilter: { principal: 'User:a', host: '*', operation: Op.READ, permissionType: Permission.ALLOW },
    })).to.equal('Resource pattern type is MATCH.');
    expect(toOperationsBitField([Op.READ, Op.DELETE, Op.DESCRIBE])).to.equal((1 << 3) | (1 << 6) | (1 << 8));
  });
});
