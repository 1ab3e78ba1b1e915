import { expect } from 'chai';
import { FetchSessionHandler, type SessionPartitionData } from '../../lib/replication/fetch-session-handler.js';
import { Errors } from '../../lib/protocol/errors.js';

const p = (partition: number, fetchOffset: bigint, lastFetchedEpoch = 0): SessionPartitionData =>
  ({ tp: { topic: 't', partition }, fetchOffset, logStartOffset: 0n, maxBytes: 1024, currentLeaderEpoch: 3, lastFetchedEpoch });
const parts = (ps: SessionPartitionData[]): Array<[number, bigint]> => ps.map((x) => [x.tp.partition, x.fetchOffset]);

describe('FetchSessionHandler (the fetcher side of KIP-227)', () => {
  it('sends everything in a full fetch, then only what changed and what to forget, at increasing epochs', () => {
    const h = new FetchSessionHandler();
    const full = h.build([p(0, 10n), p(1, 20n), p(2, 30n)]);
    expect(full).to.deep.include({ sessionId: 0, sessionEpoch: 0, toForget: [] });
    expect(parts(full.toSend)).to.deep.equal([[0, 10n], [1, 20n], [2, 30n]]);
    expect(h.handleResponse(Errors.NONE.code, 77)).to.equal(true);
    const inc = h.build([p(0, 10n), p(1, 25n), p(3, 0n)]);
    expect(inc).to.deep.include({ sessionId: 77, sessionEpoch: 1 });
    expect(parts(inc.toSend)).to.deep.equal([[1, 25n], [3, 0n]]);
    expect(inc.toForget).to.deep.equal([{ topic: 't', partition: 2 }]);
    h.handleResponse(Errors.NONE.code, 77);
    // A changed last fetched epoch (after a truncation) is a change too.
    const next = h.build([p(0, 10n, 1), p(1, 25n), p(3, 0n)]);
    expect(next.sessionEpoch).to.equal(2);
    expect(parts(next.toSend)).to.deep.equal([[0, 10n]]);
  });

  it('stays with full fetches while the leader opens no session', () => {
    const h = new FetchSessionHandler();
    h.build([p(0, 1n)]);
    h.handleResponse(Errors.NONE.code, 0);
    expect(h.build([p(0, 1n)])).to.deep.include({ sessionId: 0, sessionEpoch: 0 });
  });

  it('starts over with a full fetch after FETCH_SESSION_ID_NOT_FOUND, INVALID_FETCH_SESSION_EPOCH or a failed request', () => {
    const h = new FetchSessionHandler();
    h.build([p(0, 1n)]);
    h.handleResponse(Errors.NONE.code, 5);
    h.build([p(0, 2n)]);
    expect(h.handleResponse(Errors.INVALID_FETCH_SESSION_EPOCH.code, 5)).to.equal(false);
    const again = h.build([p(0, 2n)]);
    expect(again).to.deep.include({ sessionId: 5, sessionEpoch: 0 }); // closes session 5 and opens a new one
    expect(parts(again.toSend)).to.deep.equal([[0, 2n]]);
    h.handleResponse(Errors.NONE.code, 6);
    h.build([p(0, 3n)]);
    expect(h.handleResponse(Errors.FETCH_SESSION_ID_NOT_FOUND.code, 0)).to.equal(false);
    expect(h.build([p(0, 3n)])).to.deep.include({ sessionId: 0, sessionEpoch: 0 });
    h.handleResponse(Errors.NONE.code, 8);
    h.build([p(0, 4n)]);
    h.handleError();
    expect(h.build([p(0, 4n)])).to.deep.include({ sessionId: 8, sessionEpoch: 0 });
  });
});
