/**
 * `kafkats acls` against a real broker with the ACL authorizer (User:ANONYMOUS, what a PLAINTEXT
 * client is, is a super user so the tool may manage ACLs): Kafka's flags and output, ACLs checked
 * in ZooKeeper's znodes (Kafka's JSON) and through DescribeAcls, the ZooKeeper-direct path of
 * Kafka's deprecated --authorizer-properties, and readable refusals.
 */
import { expect } from 'chai';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually, request, useCluster, withZk } from '../integration/support.js';
import { bootstrapOf, kafkats, kafkatsOk, useCliCluster } from './support.js';

const AUTHORIZER = {
  'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer',
  'super.users': 'User:ANONYMOUS',
};
const ANY_FILTER = { resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 };

describe('kafkats acls', function () {
  this.timeout(90_000);
  const cluster = useCluster({ brokers: 1, overrides: AUTHORIZER });
  const bs = (): string => cluster().bootstrapServers[0]!;
  const znode = (p: string): Promise<unknown> => withZk(cluster(), async (zk) => {
    const { data } = await zk.getDataAndStat(p);
    return data === null ? null : JSON.parse(data.toString('utf8')) as unknown;
  });
  const described = async (): Promise<string[]> => {
    const r = await request(bs(), 29, 1, ANY_FILTER);
    return r.resources.flatMap((res) => res.acls.map((a) => `${res.resourceType}:${res.patternType}:${res.resourceName} ${a.principal} ${a.host} ${a.operation} ${a.permissionType}`)).sort();
  };

  it('--add prints AclCommand\'s lines and stores Kafka\'s JSON', async () => {
    const r = await kafkatsOk(['acls', '--bootstrap-server', bs(), '--add', '--allow-principal', 'User:alice', '--operation', 'Read', '--operation', 'Describe', '--topic', 'orders']);
    expect(r.stdout).to.equal('Adding ACLs for resource `ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL)`: \n'
      + ' \t(principal=User:alice, host=*, operation=DESCRIBE, permissionType=ALLOW)\n\t(principal=User:alice, host=*, operation=READ, permissionType=ALLOW) \n\n');
    const stored = await znode('/kafka-acl/Topic/orders') as { version: number; acls: unknown[] };
    expect(stored.version).to.equal(1);
    expect(stored.acls).to.have.deep.members([
      { principal: 'User:alice', permissionType: 'Allow', operation: 'Read', host: '*' },
      { principal: 'User:alice', permissionType: 'Allow', operation: 'Describe', host: '*' },
    ]);
  });

  it('--producer (prefixed, transactional, idempotent) and --consumer add the role ACLs Kafka\'s tool adds', async () => {
    await kafkatsOk(['acls', '--bootstrap-server', bs(), '--add', '--allow-principal', 'User:bob', '--producer', '--topic', 'pay', '--transactional-id', 'tx', '--idempotent', '--resource-pattern-type', 'PREFIXED']);
    await kafkatsOk(['acls', '--bootstrap-server', bs(), '--add', '--allow-principal', 'User:carol', '--allow-host', '10.0.0.7', '--consumer', '--topic', 'orders', '--group', 'g']);
    const ops = async (p: string): Promise<string[]> => ((await znode(p)) as { acls: Array<{ operation: string; principal: string }> }).acls.map((a) => `${a.principal} ${a.operation}`).sort();
    expect(await ops('/kafka-acl-extended/prefixed/Topic/pay')).to.deep.equal(['User:bob Create', 'User:bob Describe', 'User:bob Write']);
    expect(await ops('/kafka-acl-extended/prefixed/TransactionalId/tx')).to.deep.equal(['User:bob Describe', 'User:bob Write']);
    expect(await ops('/kafka-acl/Cluster/kafka-cluster')).to.deep.equal(['User:bob IdempotentWrite']);
    expect(await ops('/kafka-acl/Group/g')).to.deep.equal(['User:carol Read']);
    expect((await described()).filter((l) => l.includes('User:carol'))).to.deep.equal(['2:3:orders User:carol 10.0.0.7 3 3', '2:3:orders User:carol 10.0.0.7 8 3', '3:3:g User:carol 10.0.0.7 3 3']);
  });

  it('--list prints every resource\'s ACLs; match finds the patterns that apply; --principal narrows', async () => {
    const all = await kafkatsOk(['acls', '--bootstrap-server', bs(), '--list']);
    expect(all.stdout).to.contain('Current ACLs for resource `ResourcePattern(resourceType=TOPIC, name=pay, patternType=PREFIXED)`: \n \t(principal=User:bob, host=*, operation=CREATE, permissionType=ALLOW)');
    expect(all.stdout).to.contain('Current ACLs for resource `ResourcePattern(resourceType=CLUSTER, name=kafka-cluster, patternType=LITERAL)`: \n \t(principal=User:bob, host=*, operation=IDEMPOTENT_WRITE, permissionType=ALLOW) \n');
    const match = await kafkatsOk(['acls', '--bootstrap-server', bs(), '--list', '--topic', 'payments', '--resource-pattern-type', 'match']);
    expect(match.stdout).to.contain('name=pay, patternType=PREFIXED');
    expect(match.stdout).to.not.contain('name=orders');
    const carol = await kafkatsOk(['acls', '--bootstrap-server', bs(), '--list', '--principal', 'User:carol']);
    expect(carol.stdout.startsWith('ACLs for principal `User:carol`\n')).to.equal(true);
    expect(carol.stdout).to.not.contain('User:alice');
    expect(carol.stdout).to.contain('(principal=User:carol, host=10.0.0.7, operation=READ, permissionType=ALLOW)');
  });

  it('--remove asks first (nothing happens unless the answer is y); --force removes', async () => {
    const asked = await kafkatsOk(['acls', '--bootstrap-server', bs(), '--remove', '--topic', 'orders'], 'n\n');
    expect(asked.stdout).to.contain('Are you sure you want to delete all ACLs for resource filter `ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL)`? (y/n)');
    expect((await described()).some((l) => l.startsWith('2:3:orders'))).to.equal(true);
    await kafkatsOk(['acls', '--bootstrap-server', bs(), '--remove', '--allow-principal', 'User:alice', '--operation', 'Describe', '--topic', 'orders'], 'y\n');
    expect((await described()).filter((l) => l.includes('User:alice'))).to.deep.equal(['2:3:orders User:alice * 3 3']);
    await kafkatsOk(['acls', '--bootstrap-server', bs(), '--remove', '--topic', 'orders', '--force']);
    expect((await described()).some((l) => l.startsWith('2:3:orders'))).to.equal(false);
    expect(await znode('/kafka-acl/Topic/orders')).to.equal(null);
  });

  it('--authorizer-properties writes straight into ZooKeeper; the broker applies it from the change notification', async () => {
    const r = await kafkatsOk(['acls', '--authorizer-properties', `zookeeper.connect=${cluster().zookeeperConnect}`, '--add', '--deny-principal', 'User:mallory', '--operation', 'All', '--group', '*']);
    expect(r.stderr).to.contain('deprecated');
    await eventually(async () => (await described()).includes('3:3:* User:mallory * 2 2'), 20_000, 'the ZooKeeper-written ACL on the broker');
    const listed = await kafkatsOk(['acls', '--authorizer-properties', `zookeeper.connect=${cluster().zookeeperConnect}`, '--list', '--group', '*']);
    expect(listed.stdout).to.contain('(principal=User:mallory, host=*, operation=ALL, permissionType=DENY)');
  });

  it('refuses bad input readably: operations a resource type lacks, no action, no principal, a --command-config mechanism kafkats cannot speak', async () => {
    const badOp = await kafkats(['acls', '--bootstrap-server', bs(), '--add', '--allow-principal', 'User:x', '--operation', 'Write', '--group', 'g']);
    expect([badOp.code, badOp.stderr]).to.deep.equal([1, 'kafkats acls: ResourceType GROUP only supports operations Read, Describe, Delete, All\n']);
    const noAction = await kafkats(['acls', '--bootstrap-server', bs(), '--topic', 't']);
    expect(noAction.stderr).to.contain('Command must include exactly one action: --list, --add, --remove.');
    const noPrincipal = await kafkats(['acls', '--bootstrap-server', bs(), '--add', '--operation', 'Read', '--topic', 't']);
    expect(noPrincipal.stderr).to.contain('You must specify one of: --allow-principal, --deny-principal when trying to add ACLs.');
    const badPrincipal = await kafkats(['acls', '--bootstrap-server', bs(), '--add', '--allow-principal', 'alice', '--topic', 't']);
    expect(badPrincipal.stderr).to.contain('expected a string in format principalType:principalName');
    const dir = mkdtempSync(path.join(tmpdir(), 'kafkats-acls-'));
    writeFileSync(path.join(dir, 'kerberos.properties'), 'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=GSSAPI\n');
    const gssapi = await kafkats(['acls', '--bootstrap-server', bs(), '--command-config', path.join(dir, 'kerberos.properties'), '--list']);
    expect([gssapi.code, gssapi.stderr]).to.deep.equal([1,
      `kafkats acls: sasl.mechanism=GSSAPI in ${path.join(dir, 'kerberos.properties')}: kafkats tools speak PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER\n`]);
  });

  describe('against brokers without an authorizer', () => {
    const plain = useCliCluster();
    it('answers Kafka\'s SECURITY_DISABLED', async () => {
      const r = await kafkats(['acls', '--bootstrap-server', bootstrapOf(plain()), '--list']);
      expect([r.code, r.stderr]).to.deep.equal([1, 'kafkats acls: SECURITY_DISABLED: No Authorizer is configured on the broker\n']);
    });
  });
});
