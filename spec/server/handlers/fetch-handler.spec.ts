import { expect } from 'chai';
import { fetchHandler } from '../../../lib/server/handlers/fetch.js';
import type { RequestContext } from '../../../lib/server/handlers/handler.js';
import type { FetchParams, FetchPartitionResult } from '../../../lib/replication/replica-manager.js';
import { ApiKeys, decodeResponse, encodeResponseBuffer } from '../../../lib/protocol/index.js';
import { Errors } from '../../../lib/protocol/errors.js';
import { FetchManager, FetchSessionCache } from '../../../lib/server/fetch-session.js';
import { SYSTEM_TIME } from '../../../lib/common/time.js';

/** The fetch handler over a replica manager that answers NOT_LEADER_OR_FOLLOWER for partition 1. */
function ctx(apiVersion: number): RequestContext {
  const replicaManager = {
    fetchMessages: async (params: FetchParams): Promise<FetchPartitionResult[]> => params.partitions.map((p) => ({
      tp: p.tp,
      errorCode: p.tp.partition === 1 ? Errors.NOT_LEADER_OR_FOLLOWER.code : Errors.NONE.code,
      highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, records: null, divergingEpoch: null,
    })),
  };
  const metadataCache = { getTopicId: () => undefined, getTopicName: () => undefined };
  const config = { getNumber: () => 52428800 };
  const fetchManager = new FetchManager(SYSTEM_TIME, new FetchSessionCache(10));
  const connection = { closedSignal: new AbortController().signal };
  return { apiVersion, connection, broker: { replicaManager, metadataCache, config, fetchManager } } as unknown as RequestContext;
}

describe('Fetch handler', () => {
  for (const version of [4, 11, 12]) {
    it(`answers a partition with an error with an empty record set, not a null one (v${version}; librdkafka rejects -1 as a protocol error)`, async () => {
      const body = await fetchHandler.handle(ctx(version), {
        replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic: 't', topicId: '', partitions: [0, 1].map((partition) => ({ partition, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1024 })) }],
        forgottenTopicsData: [], rackId: '',
      } as never);
      const decoded = decodeResponse(ApiKeys.FETCH, version, encodeResponseBuffer(ApiKeys.FETCH, version, 1, body!).subarray(4)).body;
      const parts = decoded.responses[0]!.partitions;
      expect(parts[1]!.errorCode).to.equal(Errors.NOT_LEADER_OR_FOLLOWER.code);
      expect(parts[1]!.records, 'records of the failed partition').to.not.equal(null);
      expect(parts[1]!.records!.length).to.equal(0);
      expect(parts[0]!.records!.length).to.equal(0);
    });
  }
});
