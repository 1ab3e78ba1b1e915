import { expect } from 'chai';
import {
  ApiError, apiErrorForCode, ERRORS, errorCodeOf, errorForCode, Errors, NotLeaderOrFollowerError, UnknownServerError,
} from '../../lib/protocol/errors.js';

describe('Errors (the one error table)', () => {
  it('holds every code Kafka 3.9 defines, -1 through 127, each once, with a constant named after it', () => {
    const codes = ERRORS.map((e) => e.code);
    expect(codes).to.deep.equal(Array.from({ length: 129 }, (_, i) => i - 1));
    for (const e of ERRORS) expect(Errors[e.name as keyof typeof Errors]).to.equal(e);
  });

  it('carries Kafka\'s names, codes and retriable flags for the errors the broker answers most', () => {
    expect(Errors.NOT_LEADER_OR_FOLLOWER).to.include({ code: 6, retriable: true });
    expect(Errors.UNKNOWN_TOPIC_OR_PARTITION).to.include({ code: 3, retriable: true });
    expect(Errors.KAFKA_STORAGE_ERROR).to.include({ code: 56, retriable: true });
    expect(Errors.TOPIC_AUTHORIZATION_FAILED).to.include({ code: 29, retriable: false });
    expect(Errors.NONE).to.include({ code: 0, message: null });
  });

  it('gives each code its own ApiError subclass that carries the table entry', () => {
    const err = new NotLeaderOrFollowerError();
    expect(err).to.be.instanceOf(ApiError);
    expect(err).to.include({ code: 6, errorName: 'NOT_LEADER_OR_FOLLOWER', retriable: true, name: 'NotLeaderOrFollowerError' });
    expect(err.message).to.equal(Errors.NOT_LEADER_OR_FOLLOWER.message);
    expect(new NotLeaderOrFollowerError('moved').message).to.equal('moved');
    for (const e of ERRORS) {
      if (e.code === Errors.NONE.code) continue;
      expect(apiErrorForCode(e.code).code, e.name).to.equal(e.code);
    }
  });

  it('maps anything that is not an ApiError to UNKNOWN_SERVER_ERROR, and unknown wire codes to UnknownServerError', () => {
    expect(errorCodeOf(new Error('boom'))).to.equal(-1);
    expect(errorCodeOf('text')).to.equal(-1);
    expect(apiErrorForCode(9999)).to.be.instanceOf(UnknownServerError);
    expect(errorForCode(9999)).to.include({ code: 9999, name: 'UNKNOWN_ERROR_CODE_9999' });
  });
});
