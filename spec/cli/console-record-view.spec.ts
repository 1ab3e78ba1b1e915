import { expect } from 'chai';
import { viewOfBytes } from '../../lib/cli/console/record-view.js';
import { sumOfCounter } from '../../lib/cli/console/broker-metrics.js';

describe('console record view', () => {
  it('shows UTF-8 text, pretty JSON and hex', () => {
    const v = viewOfBytes(Buffer.from('{"a":[1,2]}'))!;
    expect(v.text).to.equal('{"a":[1,2]}');
    expect(v.json).to.equal('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(v.hex).to.equal('7b 22 61 22 3a 5b 31 2c 32 5d 7d');
    expect(v.size).to.equal(11);
  });

  it('has no text for bytes that are not UTF-8, no JSON for text that is not JSON, and null for null', () => {
    const bin = viewOfBytes(Buffer.from([0xff, 0x00, 0xc3]))!;
    expect(bin.text).to.equal(null);
    expect(bin.json).to.equal(null);
    expect(bin.hex).to.equal('ff 00 c3');
    expect(viewOfBytes(Buffer.from('not json'))!.json).to.equal(null);
    expect(viewOfBytes(null)).to.equal(null);
  });

  it('caps the hex of a large value', () => {
    const v = viewOfBytes(Buffer.alloc(10_000, 1))!;
    expect(v.size).to.equal(10_000);
    expect(v.hex.endsWith(' …')).to.equal(true);
    expect(v.hex.length).to.be.below(13_000);
  });
});

describe('console bytes in/out', () => {
  it('sums a counter over its labels, ignoring longer names that share its prefix', () => {
    const text = [
      '# TYPE kafka_server_brokertopicmetrics_bytesin_total counter',
      'kafka_server_brokertopicmetrics_bytesin_total{topic="a"} 100',
      'kafka_server_brokertopicmetrics_bytesin_total{topic="b"} 23.5',
      'kafka_server_brokertopicmetrics_bytesin_total_other 999',
    ].join('\n');
    expect(sumOfCounter(text, 'kafka_server_brokertopicmetrics_bytesin_total')).to.equal(123.5);
    expect(sumOfCounter(text, 'kafka_server_brokertopicmetrics_bytesout_total')).to.equal(null);
  });
});
