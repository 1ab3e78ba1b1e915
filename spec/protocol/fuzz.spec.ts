import { expect } from 'chai';
import { ALL_API_KEYS, apiMessageType, decodeRequest, encodeRequest, type RequestApiKey } from '../../lib/protocol/index.js';
import { ApiError } from '../../lib/protocol/errors.js';
import { randomMessage, seededRandom, versionsOf } from './support/random-values.js';

const FRAMES = 100_000;

describe('protocol request decoder under fuzzing', function () {
  this.timeout(60_000);

  it(`throws only ApiErrors on ${FRAMES} mutated, truncated and length-spliced frames, with bounded memory`, () => {
    const rng = seededRandom(0xc0ffee);
    const corpus: Buffer[] = [];
    for (const apiKey of ALL_API_KEYS) {
      const t = apiMessageType(apiKey);
      for (const version of versionsOf(t.requestSpec)) {
        const body = randomMessage(rng, t.requestSpec, version);
        corpus.push(encodeRequest({ requestApiKey: apiKey as RequestApiKey, requestApiVersion: version, correlationId: 1, clientId: 'fuzz' }, body).subarray(4));
      }
    }
    expect(corpus.length).to.be.greaterThan(300);
    const HUGE = [Buffer.from('7fffffff', 'hex'), Buffer.from('ffffffff', 'hex'), Buffer.from('ffffffff0f', 'hex'), Buffer.from('7fff', 'hex'), Buffer.from('80808080808080808001', 'hex'), Buffer.from('fffffffe', 'hex')];
    const heapBefore = process.memoryUsage().heapUsed;
    let decoded = 0;
    let rejected = 0;
    for (let i = 0; i < FRAMES; i++) {
      const base = corpus[Math.floor(rng() * corpus.length)]!;
      const frame = Buffer.from(base);
      let f: Buffer = frame;
      const kind = rng();
      if (kind < 0.4) {
        const flips = 1 + Math.floor(rng() * 4);
        for (let j = 0; j < flips; j++) f[Math.floor(rng() * f.length)] = Math.floor(rng() * 256);
      } else if (kind < 0.6) {
        f = frame.subarray(0, Math.floor(rng() * frame.length));
      } else {
        const h = HUGE[Math.floor(rng() * HUGE.length)]!;
        const at = 8 + Math.floor(rng() * Math.max(1, frame.length - 8));
        f = Buffer.concat([frame.subarray(0, at), h, frame.subarray(Math.min(frame.length, at + (rng() < 0.5 ? h.length : 0)))]);
      }
      try {
        decodeRequest(f);
        decoded++;
      } catch (err) {
        if (!(err instanceof ApiError)) throw new Error(`non-ApiError escaped on frame ${f.toString('hex')}: ${String(err)}`);
        rejected++;
      }
    }
    const growth = process.memoryUsage().heapUsed - heapBefore;
    expect(decoded + rejected).to.equal(FRAMES);
    expect(rejected).to.be.greaterThan(FRAMES / 4);
    expect(growth).to.be.lessThan(256 * 1024 * 1024);
  });
});
