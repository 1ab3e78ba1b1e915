/**
 * A short fault campaign (scripts/faults, `npm run test:faults`): at least 20 faults of every kind
 * this machine allows (kill -9 of leaders and of the controller, SIGSTOP past the session timeout,
 * ZooKeeper restarts with and without a window in which its port accepts but never answers, cuts
 * of a leader from ZooKeeper, from its followers and from both, a full disk) against 3 broker
 * processes and a real ZooKeeper, under an idempotent acks=all librdkafka producer and group
 * consumers. The report must be clean: no acknowledged record lost or moved, no duplicate, order
 * kept, nothing read that later vanished, replicas identical up to the high watermark, every
 * broker registered within 30 s and every ISR full within 60 s of each heal, no broker crash.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CampaignReport } from '../../scripts/faults/report.js';

const CAMPAIGN = path.resolve(import.meta.dirname, '../../scripts/faults/campaign.ts');

describe('fault campaign (short)', function () {
  // ≥ 20 faults in at most 4 minutes of faults, plus set-up and the final checks.
  this.timeout(8 * 60_000);

  it('survives 20 faults with no acknowledged record lost, no duplicate, identical replicas and every broker back', async () => {
    const reportFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kafkats-fault-spec-')), 'report.json');
    const child = spawn(process.execPath, ['--import', 'tsx', CAMPAIGN, '--faults', '20', '--minutes', '4', '--session-timeout-ms', '4000', '--report', reportFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const tail = output.slice(-12_000);
    expect(fs.existsSync(reportFile), `no report was written:\n${tail}`).to.equal(true);
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as CampaignReport;
    expect(report.campaignErrors, tail).to.deep.equal([]);
    expect(report.faults.length, `faults done:\n${tail}`).to.be.at.least(20);
    const kinds = new Set(report.faults.map((f) => f.nemesis));
    const possible = 9 - report.skipped.length;
    expect(kinds.size, `nemeses used: ${[...kinds].join(', ')}`).to.equal(possible);
    expect(kinds.has('zookeeper-silent-restart') && kinds.has('zookeeper-restart') && kinds.has('cut-leader-zookeeper')).to.equal(true);
    const counted = report.checks.filter((c) => c.informational !== true);
    expect(Object.fromEntries(counted.map((c) => [c.name, c.count])), tail).to.deep.equal(Object.fromEntries(counted.map((c) => [c.name, 0])));
    expect(counted.length).to.equal(11);
    expect(report.workload.acked as number, 'acknowledged records').to.be.greaterThan(1000);
    expect(code, tail).to.equal(0);
    fs.rmSync(path.dirname(reportFile), { recursive: true, force: true });
  });
});
