import { expect } from 'chai';
import { pino } from 'pino';
import type { Logger } from '../../lib/utils/logger.js';
import { RateLimitedLog } from '../../lib/common/rate-limited-log.js';
import { MockTime } from '../../lib/common/time.js';

interface Line {
  level: number;
  msg: string;
  [field: string]: unknown;
}

function capture(): { lines: Line[]; logger: Logger } {
  const lines: Line[] = [];
  const logger = pino<never>({ level: 'debug' }, { write: (s: string) => lines.push(JSON.parse(s) as Line) });
  return { lines, logger };
}

const WARN = 40;

describe('RateLimitedLog', () => {
  it('logs the first of a run of identical lines, then one line with how many it suppressed', () => {
    const time = new MockTime();
    const { lines, logger } = capture();
    const log = new RateLimitedLog(logger, { intervalMs: 10_000, time });
    for (let i = 0; i < 1000; i++) log.warn('invalid-frame', { connection: `c${i}` }, 'closing connection: invalid frame');
    expect(lines.map((l) => [l.level, l.msg, l.connection])).to.deep.equal([[WARN, 'closing connection: invalid frame', 'c0']]);
    expect(log.suppressedLines).to.equal(999);
    time.advance(9_999);
    expect(lines).to.have.length(1);
    time.advance(1);
    expect(lines).to.have.length(2);
    expect(lines[1]!.level).to.equal(WARN);
    expect(lines[1]!.suppressed).to.equal(999);
    expect(lines[1]!.msg).to.equal('suppressed 999 similar lines in 10 s: closing connection: invalid frame');
  });

  it('logs again after the interval, and writes no summary when nothing was suppressed', () => {
    const time = new MockTime();
    const { lines, logger } = capture();
    const log = new RateLimitedLog(logger, { intervalMs: 1_000, time });
    log.warn('k', {}, 'once');
    time.advance(5_000);
    log.warn('k', {}, 'twice');
    time.advance(5_000);
    expect(lines.map((l) => l.msg)).to.deep.equal(['once', 'twice']);
    expect(time.pendingTimers()).to.equal(0);
  });

  it('bounds a flood to two lines per interval per key, whatever the rate', () => {
    const time = new MockTime();
    const { lines, logger } = capture();
    const log = new RateLimitedLog(logger, { intervalMs: 1_000, time });
    for (let ms = 0; ms < 60_000; ms += 1) {
      log.warn('flood', {}, 'same line');
      time.advance(1);
    }
    expect(lines.length).to.be.at.most(2 * 60 + 1);
    const summarized = lines.reduce((n, l) => n + (typeof l.suppressed === 'number' ? l.suppressed : 0), 0);
    const logged = lines.filter((l) => l.msg === 'same line').length;
    expect(summarized + logged).to.equal(60_000);
  });

  it('keeps different keys apart and logs each at its own level', () => {
    const time = new MockTime();
    const { lines, logger } = capture();
    const log = new RateLimitedLog(logger, { intervalMs: 1_000, time });
    log.warn('a', {}, 'A');
    log.error('b', {}, 'B');
    log.warn('a', {}, 'A');
    log.info('c', {}, 'C');
    expect(lines.map((l) => [l.level, l.msg])).to.deep.equal([[40, 'A'], [50, 'B'], [30, 'C']]);
    time.advance(1_000);
    expect(lines.slice(3).map((l) => [l.level, l.suppressed])).to.deep.equal([[40, 1]]);
  });

  it('uses the message as the key when none is given, and skips lines below the logger\'s level', () => {
    const time = new MockTime();
    const { lines, logger } = capture();
    logger.level = 'info';
    const log = new RateLimitedLog(logger, { intervalMs: 1_000, time });
    log.debug('d', {}, 'not shown');
    log.warn(undefined, {}, 'same');
    log.warn(undefined, {}, 'same');
    log.warn(undefined, {}, 'other');
    expect(lines.map((l) => l.msg)).to.deep.equal(['same', 'other']);
    expect(time.pendingTimers()).to.equal(2);
  });

  it('holds state for a bounded number of keys: lines past it share one overflow key', () => {
    const time = new MockTime();
    const { lines, logger } = capture();
    const log = new RateLimitedLog(logger, { intervalMs: 1_000, time, maxKeys: 10 });
    for (let i = 0; i < 1000; i++) log.warn(`key-${i}`, {}, `line ${i}`);
    expect(lines).to.have.length(11);
    expect(log.activeKeys).to.equal(11);
    time.advance(1_000);
    expect(lines[11]!.suppressed).to.equal(989);
    expect(log.activeKeys).to.equal(0);
  });

  it('flush() writes the pending summaries at once (shutdown)', () => {
    const time = new MockTime();
    const { lines, logger } = capture();
    const log = new RateLimitedLog(logger, { intervalMs: 60_000, time });
    log.warn('k', {}, 'x');
    log.warn('k', {}, 'x');
    log.flush();
    expect(lines.map((l) => l.suppressed)).to.deep.equal([undefined, 1]);
    expect(time.pendingTimers()).to.equal(0);
  });
});
