/**
 * What the dev cluster (`kafkats cluster`, the `npm start` path) prints: JSON lines (--log-format
 * json) name their level (`"level":"info"`), carry each key once and do not repeat their logger
 * name in the message; an idle cluster prints no INFO line, and creating a topic prints no
 * controller or state-change chatter at INFO (Kafka sends those loggers to controller.log and
 * state-change.log: here they go to <data-dir>/logs/ and to the terminal from --log-level debug).
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFreePort, sharedZooKeeper, uniqueChroot } from '../../lib/testing/zookeeper-runner.js';
import { CliProcess, kafkatsOk } from './support.js';
import { eventually } from '../integration/support.js';

/** The keys of a JSON object's top level, in order and with repeats (JSON.parse keeps the last). */
export function topLevelKeys(json: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === '"') {
      let j = i + 1;
      while (json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
      if (depth === 1 && json[j + 1] === ':') keys.push(JSON.parse(json.slice(i, j + 1)) as string);
      i = j;
    }
  }
  return keys;
}

interface BrokerLine {
  broker: number;
  raw: string;
  rec: { level: unknown; component?: string; msg?: string };
}

function brokerLines(stdout: string): BrokerLine[] {
  const out: BrokerLine[] = [];
  for (const m of stdout.matchAll(/^\[broker (\d+)\] (\{.*\})$/gm)) {
    out.push({ broker: Number(m[1]), raw: m[2]!, rec: JSON.parse(m[2]!) as BrokerLine['rec'] });
  }
  return out;
}

const chatter = (l: BrokerLine): boolean => l.rec.component === 'state.change.logger' || (l.rec.component ?? '').startsWith('kafka.controller');

describe('kafkats cluster logs', function () {
  this.timeout(120_000);
  let tmp = '';
  let p: CliProcess | null = null;

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kafkats-cluster-logs-'));
  });
  afterEach(async function () {
    this.timeout(60_000);
    await p?.stop('SIGKILL');
    p = null;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('prints JSON lines with level names and single keys, an idle cluster and a topic creation without INFO chatter', async () => {
    const zk = await sharedZooKeeper();
    const base = await findFreePort();
    p = new CliProcess(['cluster', '--brokers', '3', '--zookeeper', `${zk.connectString}${uniqueChroot()}`, '--base-port', String(base), '--data-dir', tmp, '--log-format', 'json']);
    await p.waitFor(/^cluster ready$/m, 90_000);
    const atReady = brokerLines(p.stdout).length;

    // Idle: nothing happens, nothing at INFO is printed (bounded wait, then count).
    await new Promise((r) => setTimeout(r, 5000));
    const idle = brokerLines(p.stdout).slice(atReady).filter((l) => l.rec.level === 'info' || l.rec.level === 30);

    const bootstrap = `localhost:${base}`;
    await kafkatsOk(['topics', '--bootstrap-server', bootstrap, '--create', '--topic', 'quiet', '--partitions', '3', '--replication-factor', '3']);
    // Every replica's log created (9 lines) means the LeaderAndIsr round is over.
    await eventually(async () => brokerLines(p!.stdout).filter((l) => l.rec.msg === 'Created log').length === 9, 30_000, 'the 9 replicas\' logs');
    const afterTopic = brokerLines(p.stdout).slice(atReady);
    const topicInfo = afterTopic.filter((l) => l.rec.level === 'info' || l.rec.level === 30);
    process.stdout.write(`      (INFO lines: ${idle.length} while idle 5 s, ${topicInfo.length} for a 3-partition RF 3 topic; ${brokerLines(p.stdout).length} lines from start)\n`);

    const all = brokerLines(p.stdout);
    expect(all.length).to.be.greaterThan(10);
    for (const l of all) {
      expect(l.rec.level, l.raw).to.be.oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
      const keys = topLevelKeys(l.raw);
      expect(keys, l.raw).to.deep.equal([...new Set(keys)]);
      if (l.rec.component) expect(l.rec.msg ?? '', l.raw).not.to.include(`(${l.rec.component})`);
    }
    expect(idle.map((l) => l.raw)).to.deep.equal([]);
    expect(topicInfo.filter(chatter).map((l) => l.raw)).to.deep.equal([]);

    // The chatter is not lost: Kafka's controller.log and state-change.log under <data-dir>/logs.
    await eventually(async () => {
      expect(fs.readFileSync(path.join(tmp, 'logs', 'state-change.log'), 'utf8')).to.match(/Leader \d for quiet-\d/);
      expect(fs.readFileSync(path.join(tmp, 'logs', 'controller.log'), 'utf8')).to.contain('New topics: [quiet]');
      return true;
    }, 10_000, 'controller.log and state-change.log');
    expect(await p.stop('SIGTERM')).to.equal(0);
  });

  it('shows the controller and state-change lines, and the brokers\' DEBUG lines, with --log-level debug', async () => {
    const zk = await sharedZooKeeper();
    const base = await findFreePort();
    p = new CliProcess(['cluster', '--brokers', '1', '--zookeeper', `${zk.connectString}${uniqueChroot()}`, '--base-port', String(base), '--log-format', 'json', '--log-level', 'debug']);
    await p.waitFor(/^cluster ready$/m, 90_000);
    await kafkatsOk(['topics', '--bootstrap-server', `localhost:${base}`, '--create', '--topic', 'loud', '--partitions', '1', '--replication-factor', '1']);
    await eventually(async () => brokerLines(p!.stdout).some((l) => l.rec.component === 'state.change.logger' && /Leader 0 for loud-0/.test(l.rec.msg ?? '')), 30_000, 'the state-change line of loud-0');
    const lines = brokerLines(p.stdout);
    expect(lines.some((l) => l.rec.component === 'kafka.controller.KafkaController' && l.rec.msg === 'New topics: [loud]')).to.equal(true);
    expect(lines.some((l) => l.rec.level === 'debug')).to.equal(true);
    expect(await p.stop('SIGTERM')).to.equal(0);
  });
});
