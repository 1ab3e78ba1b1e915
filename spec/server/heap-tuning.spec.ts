import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import { capYoungGeneration } from '../../lib/server/heap-tuning.js';

/** Runs `script` in a fresh node (with tsx, so it can import lib/) and returns its stdout. */
function node(args: string[], script: string, env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(process.execPath, [...args, '--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    encoding: 'utf8',
  }).trim();
}

// Allocates about 1 GB of short-lived objects with some survivors (what makes V8 grow the young
// generation) and prints the new space's size in MB.
const CHURN = `
  const v8 = await import('node:v8');
  let keep = [];
  for (let i = 0; i < 4e6; i++) { keep.push({ i, a: [i] }); if (keep.length > 20000) keep = []; }
  console.log(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576);
`;

describe('heap tuning: capYoungGeneration', () => {
  it('keeps the young generation at its initial size under allocation churn (V8 grows it otherwise)', function () {
    this.timeout(30_000);
    const grown = Number(node([], CHURN));
    const capped = Number(node([], `const { capYoungGeneration } = await import('./lib/server/heap-tuning'); if (!capYoungGeneration()) throw new Error('not capped'); ${CHURN}`));
    expect(grown, 'uncapped new space (MB)').to.be.greaterThan(8);
    expect(capped, 'capped new space (MB)').to.be.at.most(4);
  });

  it('leaves the choice to a launcher that set a semi-space size on the command line or in NODE_OPTIONS', () => {
    expect(capYoungGeneration(['--max-semi-space-size=8'], '')).to.equal(false);
    expect(capYoungGeneration(['--min_semi_space_size=2'], '')).to.equal(false);
    expect(capYoungGeneration([], '--max-old-space-size=512 --max-semi-space-size=4')).to.equal(false);
    const kept = Number(node(['--max-semi-space-size=16'], `const { capYoungGeneration } = await import('./lib/server/heap-tuning'); if (capYoungGeneration()) throw new Error('capped'); ${CHURN}`));
    expect(kept).to.be.greaterThan(8);
  });
});
