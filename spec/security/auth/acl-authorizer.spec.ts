import { expect } from 'chai';
import { pino } from 'pino';
import { setRootLogger } from '../../../lib/utils/logger.js';
import { sharedZooKeeper, uniqueChroot } from '../../../lib/testing/zookeeper-runner.js';
import { KafkaZkClient } from '../../../lib/zk/kafka-zk-client.js';
import { AclAuthorizer } from '../../../lib/security/auth/acl-authorizer.js';
import type { AuthorizableRequestContext } from '../../../lib/security/auth/authorizer.js';
import { KafkaPrincipal } from '../../../lib/common/kafka-principal.js';
import { ANY_BINDING_FILTER, ANY_ENTRY_FILTER, Op, Permission, type AclBinding } from '../../../lib/common/acl.js';
import { PT, RT } from '../../../lib/common/resource.js';
import { Errors } from '../../../lib/protocol/errors.js';

if (process.env.KAFKATS_LOG_LEVEL === undefined) setRootLogger(pino({ level: 'silent' }));

async function until(cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const alice = new KafkaPrincipal('User', 'alice');
const ctxOf = (principal: KafkaPrincipal, clientAddress = '10.0.0.1'): AuthorizableRequestContext =>
  ({ principal, clientAddress, listenerName: 'PLAINTEXT', requestType: 0, requestVersion: 9, clientId: 'c', correlationId: 1 });
const allowed = (a: AclAuthorizer, op: number, resourceType: number, name: string, who = alice): boolean =>
  a.authorize(ctxOf(who), [{ operation: op, resourcePattern: { resourceType, name, patternType: PT.LITERAL }, resourceReferenceCount: 1, logIfAllowed: true, logIfDenied: true }])[0] === 'ALLOWED';
const binding = (name: string, operation: number, patternType: number = PT.LITERAL, principal = 'User:alice', resourceType: number = RT.TOPIC): AclBinding =>
  ({ pattern: { resourceType, name, patternType }, entry: { principal, host: '*', operation, permissionType: Permission.ALLOW } });

describe('AclAuthorizer (real ZooKeeper, Kafka\'s znodes)', function () {
  this.timeout(30_000);
  let connect: string;
  const clients: KafkaZkClient[] = [];
  const authorizers: AclAuthorizer[] = [];

  async function zk(): Promise<KafkaZkClient> {
    const c = await KafkaZkClient.create({ connectString: connect, sessionTimeoutMs: 6000 });
    clients.push(c);
    return c;
  }
  async function broker(config: { superUsers?: KafkaPrincipal[]; allowEveryoneIfNoAclIsFound?: boolean } = {}): Promise<AclAuthorizer> {
    const a = new AclAuthorizer(await zk(), { superUsers: config.superUsers ?? [], allowEveryoneIfNoAclIsFound: config.allowEveryoneIfNoAclIsFound ?? false });
    authorizers.push(a);
    await a.start();
    return a;
  }
  const json = async (path: string): Promise<unknown> => {
    const { data } = await (await zk()).getDataAndStat(path);
    return data === null ? null : JSON.parse(data.toString('utf8')) as unknown;
  };
  const changes = async (root: string): Promise<string[]> => {
    const c = await zk();
    const names = (await c.zooKeeperClient.getChildren(root)).sort();
    return Promise.all(names.map(async (n) => (await c.getDataAndStat(`${root}/${n}`)).data?.toString('utf8') ?? ''));
  };

  beforeEach(async () => {
    connect = `${(await sharedZooKeeper()).connectString}${uniqueChroot()}`;
  });
  afterEach(async () => {
    for (const a of authorizers.splice(0)) await a.close();
    for (const c of clients.splice(0)) await c.close();
  });

  it('creates Kafka\'s ACL paths', async () => {
    await broker();
    const c = await zk();
    expect((await c.zooKeeperClient.getChildren('/kafka-acl')).sort()).to.deep.equal(['Cluster', 'DelegationToken', 'Group', 'Topic', 'TransactionalId', 'User']);
    expect((await c.zooKeeperClient.getChildren('/kafka-acl-extended/prefixed')).sort()).to.deep.equal(['Cluster', 'DelegationToken', 'Group', 'Topic', 'TransactionalId', 'User']);
    expect(await c.pathExists('/kafka-acl-changes')).to.equal(true);
    expect(await c.pathExists('/kafka-acl-extended-changes')).to.equal(true);
  });

  it('CreateAcls on one broker writes Kafka\'s JSON and a change notification; another broker applies it', async () => {
    const a = await broker();
    const b = await broker();
    expect(allowed(b, Op.READ, RT.TOPIC, 'orders')).to.equal(false);
    const results = await a.createAcls(ctxOf(alice), [binding('orders', Op.READ), binding('pay', Op.WRITE, PT.PREFIXED)]);
    expect(results).to.deep.equal([{ error: null }, { error: null }]);
    expect(await json('/kafka-acl/Topic/orders')).to.deep.equal({ version: 1, acls: [{ principal: 'User:alice', permissionType: 'Allow', operation: 'Read', host: '*' }] });
    expect(await json('/kafka-acl-extended/prefixed/Topic/pay')).to.deep.equal({ version: 1, acls: [{ principal: 'User:alice', permissionType: 'Allow', operation: 'Write', host: '*' }] });
    expect(await changes('/kafka-acl-changes')).to.deep.equal(['TOPIC:orders']);
    expect((await changes('/kafka-acl-extended-changes')).map((s) => JSON.parse(s) as unknown)).to.deep.equal([{ version: 1, resourceType: 'TOPIC', name: 'pay', patternType: 'PREFIXED' }]);
    expect(allowed(a, Op.READ, RT.TOPIC, 'orders')).to.equal(true);
    await until(() => allowed(b, Op.READ, RT.TOPIC, 'orders') && allowed(b, Op.WRITE, RT.TOPIC, 'payments'));
    expect(b.acls(ANY_BINDING_FILTER)).to.have.length(2);
  });

  it('applies ACLs written into ZooKeeper the way Kafka\'s kafka-acls.sh --authorizer-properties does', async () => {
    const a = await broker();
    const c = await zk();
    await c.createRecursive('/kafka-acl/Group/g1', Buffer.from('{"version":1,"acls":[{"principal":"User:alice","permissionType":"Allow","operation":"Read","host":"*"}]}'));
    await c.createSequentialPersistentPath('/kafka-acl-changes/acl_changes_', Buffer.from('Group:g1'));
    await c.createRecursive('/kafka-acl-extended/prefixed/TransactionalId/tx-', Buffer.from('{"version":1,"acls":[{"principal":"User:*","permissionType":"Deny","operation":"All","host":"*"}]}'));
    await c.createSequentialPersistentPath('/kafka-acl-extended-changes/acl_changes_', Buffer.from('{"version":1,"resourceType":"TRANSACTIONAL_ID","name":"tx-","patternType":"PREFIXED"}'));
    await until(() => allowed(a, Op.READ, RT.GROUP, 'g1') && a.acls(ANY_BINDING_FILTER).length === 2);
    expect(allowed(a, Op.WRITE, RT.TRANSACTIONAL_ID, 'tx-1')).to.equal(false);
    // A later broker loads them at start-up.
    const b = await broker();
    expect(allowed(b, Op.READ, RT.GROUP, 'g1')).to.equal(true);
    expect(b.acls(ANY_BINDING_FILTER).map((x) => [x.pattern.patternType, x.entry.principal, x.entry.operation, x.entry.permissionType]))
      .to.have.deep.members([[PT.LITERAL, 'User:alice', Op.READ, Permission.ALLOW], [PT.PREFIXED, 'User:*', Op.ALL, Permission.DENY]]);
  });

  it('DeleteAcls removes what each filter matches, deletes empty znodes and notifies', async () => {
    const a = await broker();
    const b = await broker();
    await a.createAcls(ctxOf(alice), [binding('orders', Op.READ), binding('orders', Op.WRITE), binding('*', Op.DESCRIBE), binding('ord', Op.READ, PT.PREFIXED)]);
    await until(() => b.acls(ANY_BINDING_FILTER).length === 4);
    const [byMatch, byLiteral] = await a.deleteAcls(ctxOf(alice), [
      { patternFilter: { resourceType: RT.TOPIC, name: 'orders', patternType: PT.MATCH }, entryFilter: { ...ANY_ENTRY_FILTER, operation: Op.READ } },
      { patternFilter: { resourceType: RT.TOPIC, name: '*', patternType: PT.LITERAL }, entryFilter: ANY_ENTRY_FILTER },
    ]);
    expect(byMatch!.aclBindingDeleteResults.map((r) => `${r.binding.pattern.patternType}:${r.binding.pattern.name}`).sort()).to.deep.equal(['3:orders', '4:ord']);
    expect(byLiteral!.aclBindingDeleteResults.map((r) => r.binding.pattern.name)).to.deep.equal(['*']);
    expect(await json('/kafka-acl/Topic/orders')).to.deep.equal({ version: 1, acls: [{ principal: 'User:alice', permissionType: 'Allow', operation: 'Write', host: '*' }] });
    expect(await (await zk()).pathExists('/kafka-acl-extended/prefixed/Topic/ord')).to.equal(false);
    expect(await (await zk()).pathExists('/kafka-acl/Topic/*')).to.equal(false);
    await until(() => b.acls(ANY_BINDING_FILTER).length === 1);
    expect(allowed(b, Op.READ, RT.TOPIC, 'orders')).to.equal(false);
  });

  it('a specific filter deletes ACLs stored in ZooKeeper that this broker has not seen yet', async () => {
    const a = await broker();
    const c = await zk();
    await c.createRecursive('/kafka-acl/Topic/quiet', Buffer.from('{"version":1,"acls":[{"principal":"User:bob","permissionType":"Allow","operation":"Read","host":"*"}]}'));
    const [r] = await a.deleteAcls(ctxOf(alice), [{ patternFilter: { resourceType: RT.TOPIC, name: 'quiet', patternType: PT.ANY }, entryFilter: ANY_ENTRY_FILTER }]);
    expect(r!.aclBindingDeleteResults.map((x) => x.binding.entry.principal)).to.deep.equal(['User:bob']);
    expect(await c.pathExists('/kafka-acl/Topic/quiet')).to.equal(false);
  });

  it('two brokers adding to one pattern at once keep both entries (conditional writes)', async () => {
    const a = await broker();
    const b = await broker();
    await Promise.all([
      a.createAcls(ctxOf(alice), [binding('shared', Op.READ)]),
      b.createAcls(ctxOf(alice), [binding('shared', Op.WRITE, PT.LITERAL, 'User:bob')]),
    ]);
    const stored = await json('/kafka-acl/Topic/shared') as { acls: unknown[] };
    expect(stored.acls).to.have.length(2);
    await until(() => a.acls(ANY_BINDING_FILTER).length === 2 && b.acls(ANY_BINDING_FILTER).length === 2);
  });

  it('refuses bindings with unknown elements, a / in the name or a principal without a type; the rest are created', async () => {
    const a = await broker();
    const results = await a.createAcls(ctxOf(alice), [
      binding('ok', Op.READ),
      { pattern: { resourceType: RT.UNKNOWN, name: 'x', patternType: PT.LITERAL }, entry: binding('x', Op.READ).entry },
      binding('a/b', Op.READ),
      binding('x', Op.READ, PT.LITERAL, 'alice'),
      { ...binding('x', Op.READ), entry: { ...binding('x', Op.READ).entry, operation: Op.UNKNOWN } },
    ]);
    expect(results.map((r) => r.error?.errorCode ?? 0)).to.deep.equal([0, 42, 42, 42, 42]);
    expect(results[1]!.error?.errorMessage).to.equal('Failed to create ACL');
    expect(a.acls(ANY_BINDING_FILTER).map((x) => x.pattern.name)).to.deep.equal(['ok']);
    expect(Errors.INVALID_REQUEST.code).to.equal(42);
  });

  it('ignores unreadable ACL znodes, unknown resource types and bad notifications instead of failing', async () => {
    const c = await zk();
    await c.createRecursive('/kafka-acl/Topic/garbage', Buffer.from('not json'));
    await c.createRecursive('/kafka-acl/Teapot/x', Buffer.from('{"version":1,"acls":[]}'));
    await c.createRecursive('/kafka-acl/Topic/good', Buffer.from('{"version":1,"acls":[{"principal":"User:alice","permissionType":"Allow","operation":"Read","host":"*"},{"principal":"User:alice","permissionType":"Allow","operation":"Brew","host":"*"}]}'));
    const a = await broker();
    expect(a.acls(ANY_BINDING_FILTER).map((x) => [x.pattern.name, x.entry.operation])).to.deep.equal([['good', Op.READ]]);
    await c.createSequentialPersistentPath('/kafka-acl-changes/acl_changes_', Buffer.from('no separator'));
    await c.createSequentialPersistentPath('/kafka-acl-extended-changes/acl_changes_', Buffer.from('{"version":9}'));
    await a.createAcls(ctxOf(alice), [binding('after', Op.WRITE)]);
    const b = await broker();
    await until(() => allowed(b, Op.WRITE, RT.TOPIC, 'after'));
  });

  it('super users and allow.everyone.if.no.acl.found come from the configuration', async () => {
    const a = await broker({ superUsers: [new KafkaPrincipal('User', 'admin')], allowEveryoneIfNoAclIsFound: true });
    await a.createAcls(ctxOf(alice), [binding('locked', Op.READ, PT.LITERAL, 'User:bob')]);
    expect(allowed(a, Op.READ, RT.TOPIC, 'open')).to.equal(true);
    expect(allowed(a, Op.READ, RT.TOPIC, 'locked')).to.equal(false);
    expect(allowed(a, Op.READ, RT.TOPIC, 'locked', new KafkaPrincipal('User', 'admin'))).to.equal(true);
  });
});
