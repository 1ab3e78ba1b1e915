import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import {
  ZooKeeperNotInstalledError,
  findZooKeeper,
  fourLetterWord,
  startZooKeeper,
  uniqueChroot,
} from '../../lib/testing/zookeeper-runner.js';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

describe('zookeeper-runner', () => {
  it('starts a real ZooKeeper that answers, and stops it leaving no process, port or temp dir behind', async () => {
    const zk = await startZooKeeper();
    expect(zk.connectString).to.equal(`127.0.0.1:${zk.port}`);
    expect(await fourLetterWord(zk.port, 'ruok')).to.equal('imok');
    expect(await fourLetterWord(zk.port, 'srvr')).to.match(/Mode: standalone/);
    expect(processAlive(zk.pid)).to.equal(true);
    expect(existsSync(zk.logFile)).to.equal(true);
    await zk.stop();
    expect(processAlive(zk.pid)).to.equal(false);
    expect(await portFree(zk.port)).to.equal(true);
    expect(existsSync(zk.dataDir)).to.equal(false);
    const ps = execFileSync('ps', ['-eo', 'pid,args']).toString();
    expect(ps).to.not.include(`${zk.dataDir}/zoo.cfg`);
  });

  it('names the Debian package, and ZOOKEEPER_HOME with an Apache tarball, when no ZooKeeper is installed', function () {
    if (existsSync('/usr/share/java/zookeeper.jar') || existsSync('/opt/zookeeper') || existsSync('/usr/local/zookeeper')) {
      // Can only check the message shape with a bogus ZOOKEEPER_HOME when nothing else is installed.
      const err = new ZooKeeperNotInstalledError(['x']);
      expect(err.message).to.include('apt-get install zookeeper').and.include('ZOOKEEPER_HOME').and.include('apache-zookeeper-<version>-bin.tar.gz');
      expect(findZooKeeper({ ZOOKEEPER_HOME: '/nonexistent' }).classpath).to.include('zookeeper');
      return;
    }
    expect(() => findZooKeeper({ ZOOKEEPER_HOME: '/nonexistent' })).to.throw(ZooKeeperNotInstalledError, /apt-get install zookeeper/);
  });

  it('makes unique chroots', () => {
    const a = uniqueChroot();
    expect(a).to.match(/^\/kafkats-[0-9a-f]{12}$/);
    expect(uniqueChroot()).to.not.equal(a);
  });
});
