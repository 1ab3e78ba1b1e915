import { expect } from 'chai';
import {
  ApiKeys,
  decodeData,
  decodeRequest,
  decodeRequestHeader,
  decodeResponse,
  encodeData,
  encodeRequest,
  encodeResponse,
  encodeResponseBuffer,
  MessageDecodeError,
  requestHeaderVersion,
  responseHeaderVersion,
  ZERO_UUID,
} from '../../lib/protocol/index.js';
import { InvalidRequestError, UnsupportedVersionError } from '../../lib/protocol/errors.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('protocol golden bytes and header special cases', () => {
  it('encodes the ApiVersions v3 body of README §2.3 as 03 74 73 02 31 00', () => {
    const body = encodeData('ApiVersionsRequest', 3, { clientSoftwareName: 'ts', clientSoftwareVersion: '1' });
    expect(body.toString('hex')).to.equal('037473023100');
    expect(decodeData('ApiVersionsRequest', 3, hex('037473023100'))).to.deep.equal({ clientSoftwareName: 'ts', clientSoftwareVersion: '1' });
  });

  it('writes request header v2 with an int16-length client id followed by an empty tag section', () => {
    const frame = encodeRequest({ requestApiKey: 18, requestApiVersion: 3, correlationId: 7, clientId: 'c' }, { clientSoftwareName: 'ts', clientSoftwareVersion: '1' });
    expect(frame.toString('hex')).to.equal('00000012' + '0012 0003 00000007 0001 63 00'.replace(/ /g, '') + '037473023100');
  });

  it('uses request header v0 (no client id) for ControlledShutdown v0 only', () => {
    expect(requestHeaderVersion(ApiKeys.CONTROLLED_SHUTDOWN, 0)).to.equal(0);
    expect(requestHeaderVersion(ApiKeys.CONTROLLED_SHUTDOWN, 1)).to.equal(1);
    expect(requestHeaderVersion(ApiKeys.CONTROLLED_SHUTDOWN, 3)).to.equal(2);
    const frame = encodeRequest({ requestApiKey: 7, requestApiVersion: 0, correlationId: 1, clientId: 'ignored' }, { brokerId: 3 });
    expect(frame.toString('hex')).to.equal('0000000c' + '0007000000000001' + '00000003');
  });

  it('answers ApiVersions with response header v0 even when the body is flexible', () => {
    expect(responseHeaderVersion(ApiKeys.API_VERSIONS, 3)).to.equal(0);
    expect(responseHeaderVersion(ApiKeys.METADATA, 9)).to.equal(1);
    expect(responseHeaderVersion(ApiKeys.METADATA, 8)).to.equal(0);
    const buf = encodeResponseBuffer(18, 3, 9, { errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 9 }], throttleTimeMs: 0 });
    // size, correlation id (no tag section), error code, compact array of 1, key/min/max, tags, throttle, tags
    expect(buf.toString('hex')).to.equal('00000013' + '00000009' + '0000' + '02' + '0000' + '0000' + '0009' + '00' + '00000000' + '00');
  });

  it('reads the header of an ApiVersions request of a version it does not know', () => {
    const frame = hex('0012 0063 0000002a 0003 636c69 00 ff ff');
    const { header, headerVersion, bodyOffset } = decodeRequestHeader(frame);
    expect(header).to.deep.equal({ requestApiKey: 18, requestApiVersion: 99, correlationId: 42, clientId: 'cli' });
    expect(headerVersion).to.equal(2);
    expect(bodyOffset).to.equal(14);
    expect(() => decodeRequest(frame)).to.throw(UnsupportedVersionError);
  });

  it('rejects an unknown api key with InvalidRequestError', () => {
    expect(() => decodeRequestHeader(hex('03e8 0000 00000001 ffff'))).to.throw(InvalidRequestError);
  });

  it('skips unknown tagged fields and reads known ones (FetchResponse v12 partition)', () => {
    const value = {
      responses: [{ topic: 't', partitions: [{ partitionIndex: 0, divergingEpoch: { epoch: 5, endOffset: 9n }, records: Buffer.from('abc') }] }],
    };
    const buf = encodeData('FetchResponse', 12, value);
    const plain = encodeData('FetchResponse', 12, { responses: [{ topic: 't', partitions: [{ partitionIndex: 0, records: Buffer.from('abc') }] }] });
    expect(buf.length).to.be.greaterThan(plain.length);
    const decoded = decodeData('FetchResponse', 12, buf);
    expect(decoded.responses[0]!.partitions[0]!.divergingEpoch).to.deep.equal({ epoch: 5, endOffset: 9n });
    // Splice an unknown tag (7, 2 bytes) into the top-level tag section (last byte 00 → 01 07 02 aa bb).
    const withUnknown = Buffer.concat([plain.subarray(0, plain.length - 1), hex('01 07 02 aabb')]);
    expect(decodeData('FetchResponse', 12, withUnknown)).to.deep.equal(decodeData('FetchResponse', 12, plain));
  });

  it('writes non-default tagged fields in increasing tag order (FetchRequest v12 ClusterId tag 0, ReplicaState tag 1)', () => {
    const buf = encodeData('FetchRequest', 15, { clusterId: 'c', replicaState: { replicaId: 1, replicaEpoch: 2n } });
    const tail = buf.subarray(buf.length - 20);
    // 02 tags; tag 0 size 2 compact "c"; tag 1 size 13: int32 1, int64 2, empty tag section
    expect(tail.toString('hex')).to.equal('02' + '00' + '02' + '0263' + '01' + '0d' + '00000001' + '0000000000000002' + '00');
  });

  it('returns records as zero-copy views and writes large records by reference', () => {
    const records = Buffer.alloc(10000, 7);
    const chunks = encodeResponse(1, 12, 1, { responses: [{ topic: 't', partitions: [{ partitionIndex: 0, records }] }] });
    expect(chunks.some((c) => c === records)).to.equal(true);
    const frame = Buffer.concat(chunks).subarray(4);
    const { body } = decodeResponse(1, 12, frame);
    const got = body.responses[0]!.partitions[0]!.records!;
    expect(got.buffer).to.equal(frame.buffer);
    expect(got.equals(records)).to.equal(true);
  });

  it('maps uuids to base64url and back, the zero uuid included', () => {
    const topicId = Buffer.from('00112233445566778899aabbccddeeff', 'hex').toString('base64url');
    const buf = encodeData('MetadataRequest', 12, { topics: [{ topicId, name: null }, { name: 'x' }] });
    expect(buf.subarray(1, 17).toString('hex')).to.equal('00112233445566778899aabbccddeeff');
    const d = decodeData('MetadataRequest', 12, buf);
    expect(d.topics!.map((t) => t.topicId)).to.deep.equal([topicId, ZERO_UUID]);
  });

  it('fails with MessageDecodeError on a length above the configured limit, before allocating', () => {
    const buf = encodeData('MetadataRequest', 4, { topics: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
    expect(() => decodeData('MetadataRequest', 4, buf, { maxArrayLength: 2, maxBytesLength: 100 })).to.throw(MessageDecodeError);
    expect(() => decodeData('MetadataRequest', 4, hex('7fffffff 0001'))).to.throw(MessageDecodeError, /remaining/);
  });
});
