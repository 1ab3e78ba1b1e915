/** The operator tools' input parsers and output formatters, without a cluster. */
import { expect } from 'chai';
import { exportCsv, parseDateTime, parseIsoDuration, parseResetPlan } from '../../lib/cli/consumer-group-reset.js';
import { formatApiVersions } from '../../lib/cli/broker-api-versions.js';
import { parseOffsetJson } from '../../lib/cli/delete-records.js';
import { formatDate } from '../../lib/cli/consumer-perf-test.js';
import { tokenize } from '../../lib/cli/zookeeper-shell.js';
import { Progress } from '../../lib/cli/progress.js';
import { CliError } from '../../lib/cli/cli-support.js';

describe('operator tools parsing and formatting', () => {
  it('parses Kafka\'s --to-datetime forms (UTC without a zone) and refuses others', () => {
    expect(parseDateTime('2026-01-31T08:00:00.000')).to.equal(Date.UTC(2026, 0, 31, 8));
    expect(parseDateTime('2026-01-31T08:00:00.000Z')).to.equal(Date.UTC(2026, 0, 31, 8));
    expect(parseDateTime('2026-01-31T08:00:00.000+02:00')).to.equal(Date.UTC(2026, 0, 31, 6));
    expect(parseDateTime('2026-01-31T08:00:00.000-0130')).to.equal(Date.UTC(2026, 0, 31, 9, 30));
    for (const bad of ['2026-01-31', '2026-01-31T08:00:00', '2026-02-30T08:00:00.000', '2026-01-31T25:00:00.000']) {
      expect(() => parseDateTime(bad), bad).to.throw(CliError, 'Error parsing timestamp');
    }
  });

  it('parses ISO-8601 durations as Java\'s Duration.parse does', () => {
    expect(parseIsoDuration('PT1H')).to.equal(3_600_000);
    expect(parseIsoDuration('P1DT2H3M4.5S')).to.equal(((26 * 60 + 3) * 60 + 4.5) * 1000);
    expect(parseIsoDuration('PT0.25S')).to.equal(250);
    expect(parseIsoDuration('-PT1M')).to.equal(-60_000);
    for (const bad of ['1h', 'P', 'PT', 'P1H', 'PT1D']) expect(() => parseIsoDuration(bad), bad).to.throw(CliError, 'Error parsing duration');
  });

  it('reads and writes Kafka\'s reset-plan CSV', () => {
    const one = parseResetPlan('t,0,5\nt,1,7\n', 'g');
    expect([...one]).to.deep.equal([['g', [{ topic: 't', partition: 0, offset: 5n }, { topic: 't', partition: 1, offset: 7n }]]]);
    const many = parseResetPlan('g1,t,0,1\ng2,t,0,2\n', undefined);
    expect([...many.keys()]).to.deep.equal(['g1', 'g2']);
    expect(() => parseResetPlan('t,0,5\n', undefined)).to.throw(CliError, 'invalid line 1');
    expect(exportCsv(one, true)).to.equal('t,0,5\nt,1,7\n');
    expect(exportCsv(many, false)).to.equal('g1,t,0,1\ng2,t,0,2\n');
  });

  it('reads Kafka\'s delete-records offset JSON', () => {
    expect(parseOffsetJson('{"partitions":[{"topic":"a","partition":1,"offset":-1}],"version":1}')).to.deep.equal([{ topic: 'a', partition: 1, offset: -1n }]);
    expect(() => parseOffsetJson('[]')).to.throw(CliError);
  });

  it('formats api versions as NodeApiVersions.toString(true)', () => {
    const text = formatApiVersions([{ apiKey: 0, minVersion: 0, maxVersion: 11 }, { apiKey: 18, minVersion: 3, maxVersion: 3 }, { apiKey: 1000, minVersion: 0, maxVersion: 1 }]);
    const lines = text.split('\n');
    expect(lines[0]).to.equal('(');
    expect(lines[1]).to.equal('\tProduce(0): 0 to 11 [usable: 11],');
    expect(lines[2]).to.equal('\tFetch(1): UNSUPPORTED,');
    expect(lines).to.include('\tApiVersions(18): 3 [usable: 3],');
    expect(lines.at(-2)).to.equal('\tUNKNOWN(1000): 0 to 1');
    expect(lines.at(-1)).to.equal(')');
  });

  it('formats dates with SimpleDateFormat letters and splits shell lines with quotes', () => {
    const t = new Date(2026, 0, 2, 3, 4, 5, 6).getTime();
    expect(formatDate(t, 'yyyy-MM-dd HH:mm:ss:SSS')).to.equal('2026-01-02 03:04:05:006');
    expect(formatDate(t, "yy/M/d 'at' H")).to.equal('26/1/2 at 3');
    expect(tokenize(`set /a "two words" 'x y'`)).to.deep.equal(['set', '/a', 'two words', 'x y']);
  });

  it('shows progress only on a terminal', () => {
    const written: string[] = [];
    const stream = (isTTY: boolean): NodeJS.WriteStream => ({ isTTY, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream);
    const piped = new Progress('records sent', 10, stream(false));
    piped.update(5, true);
    piped.done();
    expect(written).to.deep.equal([]);
    const tty = new Progress('records sent', 10, stream(true));
    tty.update(5, true);
    tty.done();
    expect(written).to.deep.equal(['\r\x1b[2Krecords sent: 5/10 (50%)', '\r\x1b[2K']);
  });
});
