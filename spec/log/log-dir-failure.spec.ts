/**
 * A full disk under a real log: a small tmpfs mounted as the log dir (needs root, as the specs run
 * in CI). ENOSPC must become KAFKA_STORAGE_ERROR and a log-dir failure, never leave a torn batch
 * in front of later appends, and never count as a clean shutdown.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { FetchIsolation, Log } from '../../lib/log/log.js';
import { LogDirFailureChannel } from '../../lib/log/log-dir-failure-channel.js';
import { LogManager } from '../../lib/log/log-manager.js';
import { CLEAN_SHUTDOWN_FILE } from '../../lib/log/log-file-utils.js';
import { KafkaStorageError } from '../../lib/protocol/errors.js';
import { batchesIn, iterateRecords } from '../../lib/record/record-batch.js';
import { fillDisk, mountTmpfs, unmount } from '../../lib/testing/full-disk.js';
import { batch, rmrf, tempDir } from './helpers.js';

const tp = { topic: 't', partition: 0 };

function values(log: Log): string[] {
  const out: string[] = [];
  let next = log.logStartOffset;
  while (next < log.logEndOffset) {
    const data = log.read(next, 1 << 20, FetchIsolation.LOG_END, false).records;
    expect(data.length, `read at offset ${next} of [${log.logStartOffset}, ${log.logEndOffset})`).to.be.greaterThan(0);
    for (const b of batchesIn(data)) {
      for (const r of iterateRecords(data.subarray(b.position, b.position + b.size))) {
        if (r.offset < next) continue;
        out.push(r.value!.toString());
        next = r.offset + 1n;
      }
    }
  }
  return out;
}

describe('A log dir on a full disk', function () {
  this.timeout(30_000);
  let root: string;
  let mnt: string;

  beforeEach(() => {
    root = tempDir('kafkats-full-disk-');
    mnt = path.join(root, 'logs');
    mountTmpfs(mnt, '1m');
  });
  afterEach(() => {
    unmount(mnt);
    rmrf(root);
  });

  it('answers KAFKA_STORAGE_ERROR, reports the dir to the failure channel and leaves no torn batch', () => {
    const channel = new LogDirFailureChannel();
    const log = Log.load({ dir: path.join(mnt, 't-0'), topicPartition: tp, logDirFailureChannel: channel, hadCleanShutdown: true });
    log.appendAsLeader(batch(1, { values: ['acked-0'] }), 0);
    const acked = log.activeSegment.size;
    fillDisk(mnt);
    // The segment's last page has room for part of this batch only: the write is torn by ENOSPC.
    expect(() => log.appendAsLeader(batch(50, { size: 200 }), 0)).to.throw(KafkaStorageError);
    expect(channel.hasOfflineLogDir(mnt)).to.equal(true);
    expect(fs.statSync(log.activeSegment.logFile).size, 'bytes of the segment file').to.equal(acked);
    expect(log.logEndOffset).to.equal(1n);
    log.closeHandlers();
  });

  it('writes no clean-shutdown marker for a dir that had an I/O error, so the restart recovers it and later appends stay readable', async () => {
    const channel = new LogDirFailureChannel();
    const manager = new LogManager({ logDirs: [mnt], brokerId: 0, logDirFailureChannel: channel, cleanerEnabled: false });
    await manager.startup();
    const log = manager.getOrCreateLog(tp);
    log.appendAsLeader(batch(1, { values: ['acked-0'] }), 0);
    const filler = fillDisk(mnt);
    expect(() => log.appendAsLeader(batch(50, { size: 200 }), 0)).to.throw(KafkaStorageError);
    // An operator frees space, then the broker shuts down as usual.
    fs.rmSync(filler);
    await manager.shutdown();
    expect(fs.existsSync(path.join(mnt, CLEAN_SHUTDOWN_FILE)), 'clean-shutdown marker').to.equal(false);

    const again = new LogManager({ logDirs: [mnt], brokerId: 0, cleanerEnabled: false });
    await again.startup();
    const reopened = again.getLog(tp)!;
    reopened.appendAsLeader(batch(1, { values: ['acked-after-restart'] }), 0);
    expect(values(reopened)).to.deep.equal(['acked-0', 'acked-after-restart']);
    await again.shutdown();
  });
});

describe('LogManager.handleLogDirFailure', () => {
  let root: string;
  beforeEach(() => {
    root = tempDir('kafkats-dir-failure-');
  });
  afterEach(() => rmrf(root));

  it('closes the logs of a failed dir, creates new logs only in live dirs, and halts when no dir is left', async () => {
    const dirs = [path.join(root, 'a'), path.join(root, 'b')];
    const channel = new LogDirFailureChannel();
    let halted = 0;
    const manager = new LogManager({ logDirs: dirs, brokerId: 0, logDirFailureChannel: channel, cleanerEnabled: false, halt: () => void halted++ });
    await manager.startup();
    const inA = manager.getOrCreateLog({ topic: 't', partition: 0 });
    expect(manager.logDirOf({ topic: 't', partition: 0 })).to.equal(dirs[0]);
    channel.maybeAddOfflineLogDir(dirs[0]!, 'simulated failure', new Error('EIO'));
    manager.handleLogDirFailure(dirs[0]!);
    expect(halted).to.equal(0);
    expect(inA.isClosed).to.equal(true);
    expect(manager.getLog({ topic: 't', partition: 0 })).to.equal(undefined);
    expect(() => inA.appendAsLeader(batch(1), 0)).to.throw(KafkaStorageError);
    for (let p = 1; p <= 3; p++) manager.getOrCreateLog({ topic: 't', partition: p });
    for (let p = 1; p <= 3; p++) expect(manager.logDirOf({ topic: 't', partition: p })).to.equal(dirs[1]);
    channel.maybeAddOfflineLogDir(dirs[1]!, 'simulated failure', new Error('EIO'));
    manager.handleLogDirFailure(dirs[1]!);
    expect(halted).to.equal(1);
    expect(() => manager.getOrCreateLog({ topic: 'u', partition: 0 })).to.throw(KafkaStorageError);
    await manager.shutdown();
    for (const d of dirs) expect(fs.existsSync(path.join(d, CLEAN_SHUTDOWN_FILE)), `marker in ${d}`).to.equal(false);
  });
});
