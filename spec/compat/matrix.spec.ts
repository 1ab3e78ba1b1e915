/**
 * The matrix machinery itself (no cluster): the allow-list rule of runCheck and the rendering of
 * docs/compatibility.md (stable order, no green cell without a pass, stale entries named).
 */
import { expect } from 'chai';
import type { KnownGap } from './known-gaps.js';
import { renderMatrix, runCheck, type Cell, type ClientInfo, type ClientName } from './matrix.js';

const gap: KnownGap = { client: 'kafkajs', feature: 'f', issue: 7, reason: 'not served yet' };
const failing = async (): Promise<void> => {
  throw new Error('boom');
};

describe('compat matrix', () => {
  describe('runCheck', () => {
    it('reports a passing check as pass with its note', async () => {
      expect(await runCheck(async () => 'note', 1000, undefined)).to.deep.equal({ result: 'pass', notes: 'note' });
    });

    it('reports a failing check that is not allow-listed as FAIL with the error', async () => {
      const o = await runCheck(failing, 1000, undefined);
      expect([o.result, o.notes, (o.error as Error).message]).to.deep.equal(['FAIL', 'Error: boom', 'boom']);
    });

    it('reports a failing allow-listed check as unsupported with the issue', async () => {
      const o = await runCheck(failing, 1000, gap);
      expect([o.result, o.notes]).to.deep.equal(['unsupported', '#7: not served yet']);
    });

    it('reports a passing allow-listed check as pass and names the stale entry', async () => {
      const o = await runCheck(async () => 'ok', 1000, gap);
      expect(o.result).to.equal('pass');
      expect(o.notes).to.match(/^ok; allow-list entry for #7 is stale/);
    });

    it('fails a check that does not finish within its timeout', async () => {
      const o = await runCheck(() => new Promise(() => undefined), 50, undefined);
      expect([o.result, o.notes]).to.deep.equal(['FAIL', 'Error: the check timed out after 50 ms']);
    });
  });

  describe('renderMatrix', () => {
    const infos = new Map<ClientName, ClientInfo>([
      ['kcat (librdkafka)', { name: 'kcat (librdkafka)', version: 'kcat 1' }],
      ['kafkajs', { name: 'kafkajs', version: '2' }],
    ]);
    const cells: Cell[] = [
      { client: 'kcat (librdkafka)', feature: 'b', index: 0, result: 'pass', notes: 'x|y' },
      { client: 'kafkajs', feature: 'z', index: 1, result: 'unsupported', issue: 7, notes: '#7: later' },
      { client: 'kafkajs', feature: 'a', index: 0, result: 'FAIL', notes: 'Error: boom' },
      { client: 'kcat (librdkafka)', feature: 'c', index: 1, result: 'no such API', notes: 'kcat has no transactions' },
    ];

    it('orders rows by client order then check order, whatever order the cells arrive in', () => {
      const doc = renderMatrix(infos, cells, []);
      expect(renderMatrix(infos, [...cells].reverse(), [])).to.equal(doc);
      const rows = doc.split('## Features')[1]!.split('\n').filter((l) => /^\| (kafkajs|kcat)/.test(l));
      expect(rows).to.deep.equal([
        '| kafkajs | 2 | a | FAIL | Error: boom |',
        '| kafkajs | 2 | z | unsupported (#7) | #7: later |',
        '| kcat (librdkafka) | kcat 1 | b | pass | x\\|y |',
        '| kcat (librdkafka) | kcat 1 | c | client has no such API | kcat has no transactions |',
      ]);
    });

    it('counts results per client in the summary', () => {
      const doc = renderMatrix(infos, cells, []);
      expect(doc).to.include('| kafkajs | 2 | 0 | 1 | 1 | 0 | 0 |');
      expect(doc).to.include('| kcat (librdkafka) | kcat 1 | 1 | 0 | 0 | 1 | 0 |');
    });

    it('lists allow-list entries whose check passes or does not exist', () => {
      const doc = renderMatrix(infos, cells, [
        { client: 'kcat (librdkafka)', feature: 'b', issue: 7, reason: 'r' },
        { client: 'kafkajs', feature: 'gone', issue: 9, reason: 'r' },
      ]);
      expect(doc).to.include('- kcat (librdkafka) / b (#7): the check passes');
      expect(doc).to.include('- kafkajs / gone (#9): no such check');
    });
  });
});
