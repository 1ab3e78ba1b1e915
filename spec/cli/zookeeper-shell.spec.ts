/**
 * `kafkats zookeeper-shell` against the CLI cluster's real ZooKeeper: one-shot ls/get/stat of the
 * broker znodes, create/set/get -s/delete/deleteall of a scratch tree, commands read from stdin,
 * a chroot that is not created by connecting, getAcl/setAcl, and ZooKeeperMain's error messages
 * (the ACL output and messages as ZooKeeper 3.8's zkCli.sh prints them).
 */
import { expect } from 'chai';
import { kafkats, kafkatsOk, useCliCluster } from './support.js';

const HEADER = /^Connecting to \S+\n\nWATCHER::\n\nWatchedEvent state:SyncConnected type:None path:null\n/;

describe('kafkats zookeeper-shell', function () {
  this.timeout(60_000);
  const cluster = useCliCluster();
  const zk = (): string => cluster().zookeeperConnect;
  const shell = async (...command: string[]): Promise<string> => {
    const r = await kafkatsOk(['zookeeper-shell', zk(), ...command]);
    expect(r.stdout).to.match(HEADER);
    return r.stdout.replace(HEADER, '');
  };

  it('lists, reads and stats the broker znodes in one-shot mode', async () => {
    expect(await shell('ls', '/brokers/ids')).to.equal('[0, 1, 2]\n');
    const controller = JSON.parse(await shell('get', '/controller')) as { brokerid: number };
    expect([0, 1, 2]).to.include(controller.brokerid);
    const stat = await shell('stat', '/brokers/ids/0');
    expect(stat).to.match(/^cZxid = 0x[0-9a-f]+\nctime = \w{3} \w{3} \d\d \d\d:\d\d:\d\d \S+ \d{4}\nmZxid = 0x[0-9a-f]+\n/);
    expect(stat).to.match(/\nephemeralOwner = 0x[1-9a-f][0-9a-f]*\ndataLength = \d+\nnumChildren = 0\n$/);
    const withStat = await shell('ls', '-s', '/brokers/ids');
    expect(withStat).to.match(/^\[0, 1, 2\]\ncZxid = /);
    expect(withStat).to.contain('numChildren = 3\n');
  });

  it('creates, sets, reads, and deletes znodes', async () => {
    expect(await shell('create', '/cli-shell', 'hello')).to.equal('Created /cli-shell\n');
    expect(await shell('create', '/cli-shell/child')).to.equal('Created /cli-shell/child\n');
    expect(await shell('get', '/cli-shell/child')).to.equal('null\n');
    expect(await shell('set', '/cli-shell', 'two words')).to.equal('');
    const got = await shell('get', '-s', '/cli-shell');
    expect(got).to.match(/^two words\ncZxid = /);
    expect(got).to.contain('dataVersion = 1\n');
    expect(got).to.contain('numChildren = 1\n');
    expect(await shell('ls', '-R', '/cli-shell')).to.equal('/cli-shell\n/cli-shell/child\n');
    const notEmpty = await kafkats(['zookeeper-shell', zk(), 'delete', '/cli-shell']);
    expect(notEmpty.code).to.equal(1);
    expect(notEmpty.stderr).to.equal('Node not empty: /cli-shell\n');
    const badVersion = await kafkats(['zookeeper-shell', zk(), 'set', '-v', '0', '/cli-shell', 'x']);
    expect(badVersion.stderr).to.equal('version No is not valid : /cli-shell\n');
    expect(await shell('deleteall', '/cli-shell')).to.equal('');
    const gone = await kafkats(['zookeeper-shell', zk(), 'get', '/cli-shell']);
    expect(gone.code).to.equal(1);
    expect(gone.stderr).to.equal('Node does not exist: /cli-shell\n');
  });

  it('runs commands read from stdin and goes on after a failed one', async () => {
    const r = await kafkatsOk(['zookeeper-shell', zk()], 'create /cli-shell-stdin a\nget /cli-shell-stdin\nget /cli-shell-none\nbogus\ndelete /cli-shell-stdin\nls /cli-shell-stdin\n');
    expect(r.stdout.replace(HEADER, '')).to.equal('Welcome to ZooKeeper!\nJLine support is disabled\nCreated /cli-shell-stdin\na\n');
    expect(r.stderr).to.contain('Node does not exist: /cli-shell-none\n');
    expect(r.stderr).to.contain('Command not found: Command not found bogus');
    expect(r.stderr).to.contain('Node does not exist: /cli-shell-stdin\n');
  });

  it('reads and sets ACLs as ZooKeeperMain does (getAcl/setAcl), reporting bad entries and stale versions', async () => {
    expect(await shell('create', '/cli-shell-acl', 'x')).to.equal('Created /cli-shell-acl\n');
    expect(await shell('getAcl', '/cli-shell-acl')).to.equal("'world,'anyone\n: cdrwa\n");
    expect(await shell('setAcl', '/cli-shell-acl', 'world:anyone:rw,ip:127.0.0.1:cdrwa')).to.equal('');
    expect(await shell('getAcl', '/cli-shell-acl')).to.equal("'world,'anyone\n: rw\n'ip,'127.0.0.1\n: cdrwa\n");
    const withStat = await shell('getAcl', '-s', '/cli-shell-acl');
    expect(withStat).to.match(/^'world,'anyone\n: rw\n'ip,'127\.0\.0\.1\n: cdrwa\ncZxid = /);
    expect(withStat).to.contain('aclVersion = 1\n');
    const stale = await kafkats(['zookeeper-shell', zk(), 'setAcl', '-v', '0', '/cli-shell-acl', 'world:anyone:cdrwa']);
    expect(stale.code).to.equal(1);
    expect(stale.stderr).to.equal('version No is not valid : /cli-shell-acl\n');
    const bogus = await kafkats(['zookeeper-shell', zk(), 'setAcl', '/cli-shell-acl', 'bogus']);
    expect(bogus.code).to.equal(1);
    expect(bogus.stderr).to.equal('bogus does not have the form scheme:id:perm\nAcl is not valid : null\n');
    const unknownPerm = await kafkats(['zookeeper-shell', zk(), 'setAcl', '-s', '-v', '1', '/cli-shell-acl', 'world:anyone:cdrwxa']);
    expect(unknownPerm.code).to.equal(0);
    expect(unknownPerm.stderr).to.equal('Unknown perm type: x\n');
    expect(unknownPerm.stdout).to.contain('aclVersion = 2\n');
    expect(await shell('getAcl', '/cli-shell-acl')).to.equal("'world,'anyone\n: cdrwa\n");
    const nothing = await kafkats(['zookeeper-shell', zk(), 'setAcl', '/cli-shell-acl', 'world:anyone:xyz']);
    expect(nothing.code).to.equal(1);
    expect(nothing.stderr).to.equal('Unknown perm type: x\nUnknown perm type: y\nUnknown perm type: z\nworld:anyone:xyz grants no permission; skipped\nAcl is not valid : null\n');
    const missing = await kafkats(['zookeeper-shell', zk(), 'getAcl', '/cli-shell-acl-none']);
    expect(missing.stderr).to.equal('Node does not exist: /cli-shell-acl-none\n');
    expect(await shell('delete', '/cli-shell-acl')).to.equal('');
  });

  it('works below a chroot without creating it, and refuses relative paths', async () => {
    const chrooted = await kafkatsOk(['zookeeper-shell', `${zk()}/brokers`, 'ls', '/ids']);
    expect(chrooted.stdout.replace(HEADER, '')).to.equal('[0, 1, 2]\n');
    const missing = await kafkats(['zookeeper-shell', `${zk()}/cli-no-chroot`, 'ls', '/']);
    expect(missing.stderr).to.equal('Node does not exist: /\n');
    const exists = await kafkats(['zookeeper-shell', zk(), 'stat', '/cli-no-chroot']);
    expect(exists.stderr).to.equal('Node does not exist: /cli-no-chroot\n');
    const relative = await kafkats(['zookeeper-shell', zk(), 'get', 'brokers']);
    expect(relative.code).to.equal(1);
    expect(relative.stderr).to.equal('Path must start with / character\n');
  });
});
