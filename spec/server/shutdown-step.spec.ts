import { expect } from 'chai';
import { pino } from 'pino';
import { MockTime } from '../../lib/common/time.js';
import { runShutdownStep } from '../../lib/server/shutdown-step.js';

/** A logger that keeps its lines (level + msg). */
function recordingLog(): { log: pino.Logger; lines: Array<{ level: number; msg: string }> } {
  const lines: Array<{ level: number; msg: string }> = [];
  const log = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l) as { level: number; msg: string }) });
  return { log, lines };
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('runShutdownStep', () => {
  it('gives up on a step that never finishes once the bound has passed, logging it, and the shutdown goes on', async () => {
    const time = new MockTime();
    const { log, lines } = recordingLog();
    let outcome: string | null = null;
    void runShutdownStep('controller', () => new Promise<void>(() => undefined), { time, log, boundMs: 18000 }).then((o) => (outcome = o));
    await flush();
    time.advance(17999);
    await flush();
    expect(outcome).to.equal(null);
    time.advance(1);
    await flush();
    expect(outcome).to.equal('timed-out');
    expect(lines.map((l) => l.msg)).to.deep.equal(['shutdown of controller did not finish within 18000 ms; continuing']);
  });

  it('returns as soon as a bounded step finishes, and cancels its timer', async () => {
    const time = new MockTime();
    const { log } = recordingLog();
    expect(await runShutdownStep('socket server', async () => undefined, { time, log, boundMs: 18000 })).to.equal('done');
    expect(time.pendingTimers()).to.equal(0);
  });

  it('logs a failing step instead of throwing', async () => {
    const time = new MockTime();
    const { log, lines } = recordingLog();
    const outcome = await runShutdownStep('config manager', () => {
      throw new Error('boom');
    }, { time, log, boundMs: 18000 });
    expect(outcome).to.equal('failed');
    expect(lines[0]?.msg).to.equal('error during shutdown of config manager');
  });

  it('waits for an unbounded step (the log manager) however long it takes', async () => {
    const time = new MockTime();
    const { log } = recordingLog();
    let finish!: () => void;
    let outcome: string | null = null;
    void runShutdownStep('log manager', () => new Promise<void>((r) => (finish = r)), { time, log, boundMs: null }).then((o) => (outcome = o));
    time.advance(3_600_000);
    await flush();
    expect(outcome).to.equal(null);
    finish();
    await flush();
    expect(outcome).to.equal('done');
  });
});
