import { expect } from 'chai';
import {
  ALL_API_KEYS,
  MESSAGE_SPECS,
  apiMessageType,
  decodeData,
  decodeRequest,
  decodeResponse,
  encodeData,
  encodeRequest,
  encodeResponseBuffer,
  type RequestApiKey,
} from '../../lib/protocol/index.js';
import { randomMessage, seededRandom, versionsOf } from './support/random-values.js';

const SEEDS_PER_VERSION = 4;

describe('protocol round trip (every message, every version, seeded random values)', () => {
  it('covers every API key 0-67 that lists zkBroker', () => {
    const zk = ALL_API_KEYS.filter((k) => k <= 67 && apiMessageType(k).zkBroker);
    expect(zk.length).to.be.greaterThan(55);
  });

  for (const apiKey of ALL_API_KEYS) {
    const t = apiMessageType(apiKey);
    it(`${t.name} (key ${apiKey}) requests and responses decode to what was encoded, and encode identically twice`, () => {
      const rng = seededRandom(1000 + apiKey);
      for (const version of versionsOf(t.requestSpec)) {
        for (let s = 0; s < SEEDS_PER_VERSION; s++) {
          const req = randomMessage(rng, t.requestSpec, version);
          const header = { requestApiKey: apiKey as RequestApiKey, requestApiVersion: version, correlationId: -5 - s, clientId: s % 2 ? null : 'clïent' };
          const frame = encodeRequest(header, req);
          expect(frame.readInt32BE(0)).to.equal(frame.length - 4);
          expect(encodeRequest(header, req).equals(frame), `${t.name} v${version} request deterministic`).to.equal(true);
          const decoded = decodeRequest(frame.subarray(4));
          expect(decoded.header).to.deep.equal({ ...header, clientId: apiKey === 7 && version === 0 ? '' : header.clientId });
          expect(decoded.body, `${t.name}Request v${version}`).to.deep.equal(req);

          const res = randomMessage(rng, t.responseSpec, version);
          const rframe = encodeResponseBuffer(apiKey as RequestApiKey, version, 77 + s, res);
          expect(encodeResponseBuffer(apiKey as RequestApiKey, version, 77 + s, res).equals(rframe)).to.equal(true);
          const r = decodeResponse(apiKey as RequestApiKey, version, rframe.subarray(4));
          expect(r.correlationId).to.equal(77 + s);
          expect(r.body, `${t.name}Response v${version}`).to.deep.equal(res);
        }
      }
    });
  }

  for (const spec of Object.values(MESSAGE_SPECS).filter((s) => s.type === 'data' || s.type === 'header' || s.name.startsWith('AlterIsr'))) {
    it(`${spec.name} (${spec.type}) round-trips in every version`, () => {
      const rng = seededRandom(spec.name.length * 7919);
      for (const version of versionsOf(spec)) {
        for (let s = 0; s < SEEDS_PER_VERSION; s++) {
          const v = randomMessage(rng, spec, version);
          const buf = encodeData(spec.name as never, version, v as never);
          expect(encodeData(spec.name as never, version, v as never).equals(buf)).to.equal(true);
          expect(decodeData(spec.name as never, version, buf), `${spec.name} v${version}`).to.deep.equal(v);
        }
      }
    });
  }
});
