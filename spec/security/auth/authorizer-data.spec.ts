import { expect } from 'chai';
import { AuthorizerData, type AuthorizerDataConfig } from '../../../lib/security/auth/authorizer-data.js';
import { KafkaPrincipal, parseKafkaPrincipal } from '../../../lib/common/kafka-principal.js';
import { AclOperation, ANY_ENTRY_FILTER, Op, Permission, type AccessControlEntry } from '../../../lib/common/acl.js';
import { PT, RT, type ResourcePattern } from '../../../lib/common/resource.js';

const alice = new KafkaPrincipal('User', 'alice');
const bob = new KafkaPrincipal('User', 'bob');
const HOST = '10.0.0.1';
const OTHER_HOST = '10.0.0.2';

const allow = (principal: string, operation: number, host = '*'): AccessControlEntry => ({ principal, host, operation, permissionType: Permission.ALLOW });
const deny = (principal: string, operation: number, host = '*'): AccessControlEntry => ({ principal, host, operation, permissionType: Permission.DENY });
const literal = (name: string, resourceType: number = RT.TOPIC): ResourcePattern => ({ resourceType, name, patternType: PT.LITERAL });
const prefixed = (name: string, resourceType: number = RT.TOPIC): ResourcePattern => ({ resourceType, name, patternType: PT.PREFIXED });

function data(acls: Array<[ResourcePattern, AccessControlEntry[]]>, config: Partial<AuthorizerDataConfig> = {}): AuthorizerData {
  const d = new AuthorizerData({ superUsers: [], allowEveryoneIfNoAclIsFound: false, ...config });
  for (const [pattern, entries] of acls) d.update(pattern, { acls: [...(d.get(pattern)?.acls ?? []), ...entries], zkVersion: 0 });
  return d;
}

const topicAllowed = (d: AuthorizerData, name: string, op: number, who = alice, host = HOST): boolean => d.authorize(who, host, op, RT.TOPIC, name);

describe('AuthorizerData (the ACL decision core)', () => {
  describe('resource patterns', () => {
    it('a literal ACL applies to that name only', () => {
      const d = data([[literal('orders'), [allow('User:alice', Op.READ)]]]);
      expect(topicAllowed(d, 'orders', Op.READ)).to.equal(true);
      expect(topicAllowed(d, 'orders2', Op.READ)).to.equal(false);
      expect(topicAllowed(d, 'order', Op.READ)).to.equal(false);
    });

    it('the literal wildcard * applies to every name of its resource type', () => {
      const d = data([[literal('*'), [allow('User:alice', Op.READ)]]]);
      for (const t of ['orders', 'x', '*']) expect(topicAllowed(d, t, Op.READ), t).to.equal(true);
      expect(d.authorize(alice, HOST, Op.READ, RT.GROUP, 'orders')).to.equal(false);
    });

    it('a prefixed ACL applies to every name starting with the prefix, the prefix itself included', () => {
      const d = data([[prefixed('pay'), [allow('User:alice', Op.WRITE)]]]);
      for (const t of ['pay', 'payments', 'pay.eu']) expect(topicAllowed(d, t, Op.WRITE), t).to.equal(true);
      for (const t of ['pa', 'xpay', 'Pay']) expect(topicAllowed(d, t, Op.WRITE), t).to.equal(false);
    });

    it('a prefixed pattern named * is a prefix, not a wildcard', () => {
      const d = data([[prefixed('*'), [allow('User:alice', Op.READ)]]]);
      expect(topicAllowed(d, '*abc', Op.READ)).to.equal(true);
      expect(topicAllowed(d, 'abc', Op.READ)).to.equal(false);
    });

    it('ACLs of one resource type never apply to another', () => {
      const d = data([[literal('x', RT.GROUP), [allow('User:alice', Op.ALL)]]]);
      expect(d.authorize(alice, HOST, Op.READ, RT.GROUP, 'x')).to.equal(true);
      for (const rt of [RT.TOPIC, RT.TRANSACTIONAL_ID, RT.CLUSTER]) expect(d.authorize(alice, HOST, Op.READ, rt, 'x'), String(rt)).to.equal(false);
    });
  });

  describe('principals and hosts', () => {
    it('User:* matches every user; another type\'s wildcard does not', () => {
      const d = data([[literal('t'), [allow('User:*', Op.READ), allow('Group:*', Op.WRITE)]]]);
      expect(topicAllowed(d, 't', Op.READ, bob)).to.equal(true);
      expect(topicAllowed(d, 't', Op.READ, KafkaPrincipal.ANONYMOUS)).to.equal(true);
      expect(topicAllowed(d, 't', Op.WRITE, bob)).to.equal(false);
    });

    it('principals compare by type and name, case-sensitively', () => {
      const d = data([[literal('t'), [allow('User:alice', Op.READ)]]]);
      expect(topicAllowed(d, 't', Op.READ, new KafkaPrincipal('User', 'Alice'))).to.equal(false);
      expect(topicAllowed(d, 't', Op.READ, new KafkaPrincipal('Service', 'alice'))).to.equal(false);
      expect(topicAllowed(d, 't', Op.READ, parseKafkaPrincipal('User:alice'))).to.equal(true);
    });

    it('a host-specific ACL applies only to that client address; * to any', () => {
      const d = data([[literal('t'), [allow('User:alice', Op.READ, HOST), allow('User:alice', Op.WRITE)]]]);
      expect(topicAllowed(d, 't', Op.READ, alice, HOST)).to.equal(true);
      expect(topicAllowed(d, 't', Op.READ, alice, OTHER_HOST)).to.equal(false);
      expect(topicAllowed(d, 't', Op.WRITE, alice, OTHER_HOST)).to.equal(true);
    });

    it('a host-specific deny only denies that address', () => {
      const d = data([[literal('t'), [allow('User:alice', Op.READ), deny('User:alice', Op.READ, OTHER_HOST)]]]);
      expect(topicAllowed(d, 't', Op.READ, alice, HOST)).to.equal(true);
      expect(topicAllowed(d, 't', Op.READ, alice, OTHER_HOST)).to.equal(false);
    });
  });

  describe('deny wins', () => {
    const cases: Array<[string, Array<[ResourcePattern, AccessControlEntry[]]>]> = [
      ['deny and allow on the same literal', [[literal('t'), [allow('User:alice', Op.READ), deny('User:alice', Op.READ)]]]],
      ['deny on the literal, allow on *', [[literal('*'), [allow('User:alice', Op.READ)]], [literal('t'), [deny('User:alice', Op.READ)]]]],
      ['deny on *, allow on the literal', [[literal('t'), [allow('User:alice', Op.READ)]], [literal('*'), [deny('User:alice', Op.READ)]]]],
      ['deny on a prefix, allow on the literal', [[literal('t'), [allow('User:alice', Op.READ)]], [prefixed('t'), [deny('User:alice', Op.READ)]]]],
      ['deny for User:*, allow for alice', [[literal('t'), [allow('User:alice', Op.READ), deny('User:*', Op.READ)]]]],
      ['deny ALL, allow READ', [[literal('t'), [allow('User:alice', Op.READ), deny('User:alice', Op.ALL)]]]],
      ['deny from every host, allow from the client\'s', [[literal('t'), [allow('User:alice', Op.READ, HOST), deny('User:alice', Op.READ)]]]],
    ];
    for (const [name, acls] of cases) {
      it(name, () => expect(topicAllowed(data(acls), 't', Op.READ)).to.equal(false));
    }

    it('a deny of another operation does not deny this one', () => {
      const d = data([[literal('t'), [allow('User:alice', Op.ALL), deny('User:alice', Op.WRITE)]]]);
      expect(topicAllowed(d, 't', Op.READ)).to.equal(true);
      expect(topicAllowed(d, 't', Op.WRITE)).to.equal(false);
    });

    it('a deny of READ does not deny DESCRIBE, which the READ allow still implies (Kafka\'s rule)', () => {
      const d = data([[literal('t'), [allow('User:alice', Op.READ), deny('User:alice', Op.READ)]]]);
      expect(topicAllowed(d, 't', Op.DESCRIBE)).to.equal(true);
    });

    it('a deny of another principal or host does not apply', () => {
      const d = data([[literal('t'), [allow('User:*', Op.READ), deny('User:bob', Op.READ), deny('User:alice', Op.READ, OTHER_HOST)]]]);
      expect(topicAllowed(d, 't', Op.READ, alice, HOST)).to.equal(true);
      expect(topicAllowed(d, 't', Op.READ, bob, HOST)).to.equal(false);
    });
  });

  describe('operations', () => {
    it('ALL allows every operation', () => {
      const d = data([[literal('t'), [allow('User:alice', Op.ALL)]]]);
      for (const op of [Op.READ, Op.WRITE, Op.CREATE, Op.DELETE, Op.ALTER, Op.DESCRIBE, Op.DESCRIBE_CONFIGS, Op.ALTER_CONFIGS]) {
        expect(topicAllowed(d, 't', op), AclOperation.name(op)).to.equal(true);
      }
    });

    const implied: Array<[number, number, boolean]> = [
      [Op.READ, Op.DESCRIBE, true], [Op.WRITE, Op.DESCRIBE, true], [Op.DELETE, Op.DESCRIBE, true], [Op.ALTER, Op.DESCRIBE, true],
      [Op.ALTER_CONFIGS, Op.DESCRIBE_CONFIGS, true],
      [Op.CREATE, Op.DESCRIBE, false], [Op.DESCRIBE, Op.READ, false], [Op.DESCRIBE_CONFIGS, Op.ALTER_CONFIGS, false],
      [Op.ALTER, Op.DESCRIBE_CONFIGS, false], [Op.ALTER_CONFIGS, Op.DESCRIBE, false], [Op.READ, Op.WRITE, false],
      [Op.CLUSTER_ACTION, Op.DESCRIBE, false], [Op.IDEMPOTENT_WRITE, Op.WRITE, false],
    ];
    for (const [granted, asked, expected] of implied) {
      it(`ALLOW ${AclOperation.name(granted)} ${expected ? 'implies' : 'does not imply'} ${AclOperation.name(asked)}`, () => {
        expect(topicAllowed(data([[literal('t'), [allow('User:alice', granted)]]]), 't', asked)).to.equal(expected);
      });
    }
  });

  describe('super users and allow.everyone.if.no.acl.found', () => {
    it('a super user is allowed everything, even against a deny', () => {
      const d = data([[literal('t'), [deny('User:*', Op.ALL)]]], { superUsers: [bob] });
      expect(topicAllowed(d, 't', Op.WRITE, bob)).to.equal(true);
      expect(d.authorize(bob, HOST, Op.CLUSTER_ACTION, RT.CLUSTER, 'kafka-cluster')).to.equal(true);
      expect(topicAllowed(d, 't', Op.WRITE, alice)).to.equal(false);
    });

    it('without ACLs a resource is denied by default, allowed with allow.everyone.if.no.acl.found', () => {
      expect(topicAllowed(data([]), 't', Op.READ)).to.equal(false);
      expect(topicAllowed(data([], { allowEveryoneIfNoAclIsFound: true }), 't', Op.READ)).to.equal(true);
    });

    it('allow.everyone.if.no.acl.found does not apply once the resource has any ACL, for anyone', () => {
      const d = data([[literal('t'), [allow('User:bob', Op.READ)]]], { allowEveryoneIfNoAclIsFound: true });
      expect(topicAllowed(d, 't', Op.READ, alice)).to.equal(false);
      expect(topicAllowed(d, 'other', Op.READ, alice)).to.equal(true);
    });

    it('ACLs through * or a prefix also count as found', () => {
      const d = data([[prefixed('t'), [allow('User:bob', Op.READ)]], [literal('*', RT.GROUP), [allow('User:bob', Op.READ)]]], { allowEveryoneIfNoAclIsFound: true });
      expect(topicAllowed(d, 'tx', Op.READ, alice)).to.equal(false);
      expect(d.authorize(alice, HOST, Op.READ, RT.GROUP, 'g')).to.equal(false);
      expect(topicAllowed(d, 'x', Op.READ, alice)).to.equal(true);
    });
  });

  describe('authorizeByResourceType (some resource of the type)', () => {
    const byType = (acls: Array<[ResourcePattern, AccessControlEntry[]]>, config: Partial<AuthorizerDataConfig> = {}): boolean =>
      data(acls, config).authorizeByResourceType(alice, HOST, Op.WRITE, RT.TOPIC);

    it('no ACLs: denied, or allowed with allow.everyone.if.no.acl.found', () => {
      expect(byType([])).to.equal(false);
      expect(byType([], { allowEveryoneIfNoAclIsFound: true })).to.equal(true);
    });

    it('any literal or prefixed allow of the operation on the type is enough', () => {
      expect(byType([[literal('t'), [allow('User:alice', Op.WRITE)]]])).to.equal(true);
      expect(byType([[prefixed('t'), [allow('User:*', Op.ALL)]]])).to.equal(true);
      expect(byType([[literal('t', RT.GROUP), [allow('User:alice', Op.WRITE)]]])).to.equal(false);
      expect(byType([[literal('t'), [allow('User:alice', Op.READ)]]])).to.equal(false);
      expect(byType([[literal('t'), [allow('User:alice', Op.WRITE, OTHER_HOST)]]])).to.equal(false);
    });

    it('a deny on the literal * denies the whole type, even with allow.everyone.if.no.acl.found', () => {
      expect(byType([[literal('t'), [allow('User:alice', Op.WRITE)]], [literal('*'), [deny('User:alice', Op.WRITE)]]], { allowEveryoneIfNoAclIsFound: true })).to.equal(false);
    });

    it('allows that every deny covers do not count; others do', () => {
      expect(byType([[literal('t'), [allow('User:alice', Op.WRITE), deny('User:alice', Op.WRITE)]]])).to.equal(false);
      expect(byType([[literal('t1'), [allow('User:alice', Op.WRITE)]], [prefixed('t'), [deny('User:alice', Op.WRITE)]]])).to.equal(false);
      expect(byType([[prefixed('t1'), [allow('User:alice', Op.WRITE)]], [prefixed('t'), [deny('User:alice', Op.WRITE)]]])).to.equal(false);
      expect(byType([[prefixed('t'), [allow('User:alice', Op.WRITE)]], [prefixed('t1'), [deny('User:alice', Op.WRITE)]]])).to.equal(true);
      expect(byType([[literal('u'), [allow('User:alice', Op.WRITE)]], [literal('t'), [deny('User:alice', Op.WRITE)]]])).to.equal(true);
      expect(byType([[literal('*'), [allow('User:alice', Op.WRITE)]], [literal('t'), [deny('User:alice', Op.WRITE)]]])).to.equal(true);
    });

    it('a super user is allowed', () => {
      expect(data([[literal('*'), [deny('User:*', Op.ALL)]]], { superUsers: [alice] }).authorizeByResourceType(alice, HOST, Op.WRITE, RT.TOPIC)).to.equal(true);
    });
  });

  describe('stored ACLs', () => {
    it('update replaces a pattern\'s entries, drops duplicates, and removes the pattern when empty', () => {
      const d = data([[literal('t'), [allow('User:alice', Op.READ), allow('User:alice', Op.READ)]]]);
      expect(d.get(literal('t'))?.acls).to.have.length(1);
      d.update(literal('t'), { acls: [], zkVersion: 3 });
      expect(d.get(literal('t'))).to.equal(undefined);
      expect(d.patterns()).to.deep.equal([]);
    });

    it('acls(filter) selects by pattern filter (LITERAL, PREFIXED, ANY, MATCH) and entry filter', () => {
      const d = data([
        [literal('orders'), [allow('User:alice', Op.READ)]],
        [literal('*'), [allow('User:bob', Op.WRITE)]],
        [prefixed('ord'), [deny('User:bob', Op.READ)]],
        [literal('ord', RT.GROUP), [allow('User:alice', Op.READ)]],
      ]);
      const names = (resourceType: number, name: string | null, patternType: number, entryFilter = ANY_ENTRY_FILTER): string[] =>
        d.acls({ patternFilter: { resourceType, name, patternType }, entryFilter }).map((b) => `${b.pattern.patternType}:${b.pattern.name}:${b.entry.principal}`).sort();
      expect(names(RT.TOPIC, 'orders', PT.LITERAL)).to.deep.equal(['3:orders:User:alice']);
      expect(names(RT.TOPIC, 'ord', PT.PREFIXED)).to.deep.equal(['4:ord:User:bob']);
      expect(names(RT.ANY, 'ord', PT.ANY)).to.deep.equal(['3:ord:User:alice', '4:ord:User:bob']);
      expect(names(RT.TOPIC, 'orders', PT.MATCH)).to.deep.equal(['3:*:User:bob', '3:orders:User:alice', '4:ord:User:bob']);
      expect(names(RT.ANY, null, PT.ANY)).to.have.length(4);
      expect(names(RT.ANY, null, PT.ANY, { principal: 'User:bob', host: null, operation: Op.ANY, permissionType: Permission.DENY })).to.deep.equal(['4:ord:User:bob']);
    });
  });
});
