/**
 * `kafkats producer-perf-test` and `consumer-perf-test` against a real cluster: Kafka's periodic and
 * final producer lines, the consumer's CSV header and figures, its timeout warning, and readable
 * errors for missing flags. (Progress lines only go to a terminal; these runs are piped.)
 */
import { expect } from 'chai';
import { bootstrapOf, kafkats, kafkatsOk, useCliCluster } from './support.js';

const TOPIC = 'cli-perf';
const FINAL = /^(\d+) records sent, \d+\.\d records\/sec \(\d+\.\d\d MB\/sec\), \d+\.\d\d ms avg latency, \d+\.\d\d ms max latency, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\.$/;
const WINDOW = /^(\d+) records sent, \d+\.\d records\/sec \(\d+\.\d\d MB\/sec\), \d+\.\d ms avg latency, \d+\.\d ms max latency\.$/;

describe('kafkats producer-perf-test and consumer-perf-test', function () {
  this.timeout(90_000);
  const cluster = useCliCluster();
  const bs = (): string => bootstrapOf(cluster());

  before(async function () {
    this.timeout(60_000);
    await kafkatsOk(['topics', '--bootstrap-server', bs(), '--create', '--topic', TOPIC, '--partitions', '3', '--replication-factor', '2']);
  });

  it('sends records as fast as it can and prints Kafka\'s final line', async () => {
    const r = await kafkatsOk(['producer-perf-test', '--topic', TOPIC, '--num-records', '3000', '--record-size', '100', '--throughput', '-1', '--producer-props', `bootstrap.servers=${bs()}`, 'acks=all'], undefined, 60_000);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).to.match(FINAL);
    expect(FINAL.exec(lines.at(-1)!)![1]).to.equal('3000');
  });

  it('keeps to --throughput and prints a window line every 5 s', async () => {
    const started = Date.now();
    const r = await kafkatsOk(['producer-perf-test', '--topic', TOPIC, '--num-records', '1200', '--record-size', '100', '--throughput', '200', '--bootstrap-server', bs()], undefined, 60_000);
    expect(Date.now() - started).to.be.at.least(5000);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).to.be.at.least(2);
    for (const l of lines.slice(0, -1)) expect(l).to.match(WINDOW);
    expect(FINAL.exec(lines.at(-1)!)![1]).to.equal('1200');
  });

  it('consumes the records and prints Kafka\'s CSV header and line', async () => {
    const r = await kafkatsOk(['consumer-perf-test', '--bootstrap-server', bs(), '--topic', TOPIC, '--messages', '4200'], undefined, 60_000);
    const [header, line, ...rest] = r.stdout.trimEnd().split('\n');
    expect(header).to.equal('start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec');
    expect(rest).to.deep.equal([]);
    const f = line!.split(', ');
    expect(f).to.have.length(10);
    expect(f[0]).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d:\d{3}$/);
    expect(f[2]).to.equal((4200 * 100 / (1024 * 1024)).toFixed(4));
    expect(f[4]).to.equal('4200');
    expect(Number(f[6])).to.be.at.least(0);
  });

  it('warns when the records run out before --messages', async () => {
    const r = await kafkatsOk(['consumer-perf-test', '--bootstrap-server', bs(), '--topic', TOPIC, '--messages', '5000', '--timeout', '5000', '--hide-header'], undefined, 60_000);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).to.equal('WARNING: Exiting before consuming the expected number of messages: timeout (5000 ms) exceeded. You can use the --timeout option to increase the timeout.');
    expect(lines[1]!.split(', ')[4]).to.equal('4200');
  });

  it('refuses missing or bad flags readably', async () => {
    const noProps = await kafkats(['producer-perf-test', '--topic', TOPIC, '--num-records', '1', '--record-size', '1', '--throughput', '-1']);
    expect(noProps.code).to.equal(1);
    expect(noProps.stderr).to.contain('bootstrap.servers is required');
    const badN = await kafkats(['producer-perf-test', '--topic', TOPIC, '--num-records', 'many', '--record-size', '1', '--throughput', '-1', '--bootstrap-server', bs()]);
    expect(badN.stderr).to.contain("--num-records must be an integer, got 'many'");
    const noTopic = await kafkats(['consumer-perf-test', '--bootstrap-server', bs(), '--topic', 'cli-perf-missing', '--messages', '1']);
    expect(noTopic.code).to.equal(1);
    expect(noTopic.stderr).to.contain("topic 'cli-perf-missing' does not exist");
  });
});
