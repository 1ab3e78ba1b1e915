/**
 * DefaultAlterPartitionManager retries an ISR change until a controller answers it, as Kafka's
 * AlterPartitionManager does ("retry indefinitely until a response is received"). A change whose
 * controller died may already be committed; answering the Partition with a made-up error made it
 * fall back to its old ISR and partition epoch while ZooKeeper held the new ones (a fault campaign
 * met this: the leader never expanded the ISR again and the partition stayed under-replicated).
 */
import { expect } from 'chai';
import { MockTime } from '../../lib/common/time.js';
import { DefaultAlterPartitionManager } from '../../lib/replication/alter-partition-manager.js';
import { MetadataCache } from '../../lib/server/metadata-cache.js';
import type { AlterPartitionResult } from '../../lib/cluster/partition.js';

const turns = async (n = 5): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
};

describe('DefaultAlterPartitionManager', () => {
  it('keeps trying while no controller is known, however long that takes, and stops only when closed', async () => {
    const time = new MockTime();
    // No UpdateMetadata yet: no controller is known (as between a controller's death and the next one's election).
    const manager = new DefaultAlterPartitionManager(1, () => 10n, new MetadataCache(1), 'PLAINTEXT', time);
    let answer: AlterPartitionResult | null = null;
    void manager.submit({ tp: { topic: 't', partition: 0 }, leaderEpoch: 5, newIsr: [1, 2], partitionEpoch: 7, leaderRecoveryState: 0 }).then((r) => (answer = r));
    for (let i = 0; i < 600; i++) {
      await turns();
      time.advance(1000);
    }
    await turns();
    expect(answer, 'answered without a controller after 10 minutes').to.equal(null);
    manager.close();
    for (let i = 0; i < 5; i++) {
      await turns();
      time.advance(1000);
    }
    await turns();
    expect(answer, 'closing ends the retries').to.not.equal(null);
  });
});
