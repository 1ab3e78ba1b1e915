/**
 * `kafkats producer-perf-test` and `consumer-perf-test` against a real cluster: Kafka's periodic and
 * final producer lines, the consumer's CSV header and figures, its timeout warning, transactions
 * (--transactional-id, --transaction-duration-ms: commit markers in the log), --print-metrics in
 * Kafka's ToolsUtils.printMetrics layout, and readable errors for missing flags. (Progress lines
 * only go to a terminal; these runs are piped.)
 */
import { expect } from 'chai';
import { bootstrapOf, kafkats, kafkatsOk, useCliCluster } from './support.js';

const TOPIC = 'cli-perf';
const TXN_TOPIC = 'cli-perf-txn';

/** --print-metrics' table: `group:name:{client-id=…} : value` lines after a `Metric Name   Value` header. */
function metricsOf(stdout: string, clientId: string): Map<string, string> {
  const lines = stdout.split('\n');
  const header = lines.findIndex((l) => /^Metric Name +Value$/.test(l));
  expect(header, stdout).to.be.greaterThan(0);
  expect(lines[header - 1]).to.equal('');
  const rows = lines.slice(header + 1).filter((l) => l !== '');
  const width = lines[header]!.indexOf('Value') - 3;
  const out = new Map<string, string>();
  for (const row of rows) {
    expect(row.slice(width, width + 3), row).to.equal(' : ');
    const name = row.slice(0, width).trimEnd();
    expect(name.endsWith(`:{client-id=${clientId}}`), row).to.equal(true);
    out.set(name.slice(0, -`:{client-id=${clientId}}`.length), row.slice(width + 3));
  }
  expect([...out.keys()]).to.deep.equal([...out.keys()].sort());
  return out;
}

/** The sum of the topic's latest offsets (records plus transaction markers). */
async function logEnd(bs: string, topic: string): Promise<number> {
  const r = await kafkatsOk(['get-offsets', '--bootstrap-server', bs, '--topic', topic]);
  return r.stdout.trim().split('\n').reduce((sum, l) => sum + Number(l.split(':')[2]), 0);
}
const FINAL = /^(\d+) records sent, \d+\.\d records\/sec \(\d+\.\d\d MB\/sec\), \d+\.\d\d ms avg latency, \d+\.\d\d ms max latency, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\.$/;
const WINDOW = /^(\d+) records sent, \d+\.\d records\/sec \(\d+\.\d\d MB\/sec\), \d+\.\d ms avg latency, \d+\.\d ms max latency\.$/;

describe('kafkats producer-perf-test and consumer-perf-test', function () {
  this.timeout(90_000);
  const cluster = useCliCluster();
  const bs = (): string => bootstrapOf(cluster());

  before(async function () {
    this.timeout(60_000);
    await kafkatsOk(['topics', '--bootstrap-server', bs(), '--create', '--topic', TOPIC, '--partitions', '3', '--replication-factor', '2']);
    await kafkatsOk(['topics', '--bootstrap-server', bs(), '--create', '--topic', TXN_TOPIC, '--partitions', '3', '--replication-factor', '3']);
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

  it('sends in transactions with --transactional-id and --transaction-duration-ms, and prints the producer\'s metrics', async () => {
    const before = await logEnd(bs(), TXN_TOPIC);
    const r = await kafkatsOk(['producer-perf-test', '--topic', TXN_TOPIC, '--num-records', '2000', '--record-size', '100', '--throughput', '2000',
      '--transactional-id', 'cli-perf-txn-1', '--transaction-duration-ms', '200', '--print-metrics', '--producer-props', `bootstrap.servers=${bs()}`, 'client.id=perf-txn'], undefined, 60_000);
    const finalLine = r.stdout.split('\n').find((l) => FINAL.test(l));
    expect(FINAL.exec(finalLine!)![1]).to.equal('2000');
    // ~1 s of sending in 200 ms transactions: several commits, each a marker in every partition it wrote.
    const markers = (await logEnd(bs(), TXN_TOPIC)) - before - 2000;
    expect(markers, 'transaction markers').to.be.at.least(3);
    const committed = await kafkatsOk(['console-consumer', '--bootstrap-server', bs(), '--topic', TXN_TOPIC, '--from-beginning', '--max-messages', '2000', '--timeout-ms', '20000']);
    expect(committed.stdout.trimEnd().split('\n')).to.have.length(2000);
    const m = metricsOf(r.stdout, 'perf-txn');
    expect(m.get('producer-metrics:record-send-total')).to.equal('2000.000');
    expect(m.get('producer-metrics:record-error-total')).to.equal('0.000');
    expect(Number(m.get('producer-metrics:txn-commit-time-ns-total'))).to.be.greaterThan(0);
    expect(Number(m.get('producer-metrics:request-latency-avg'))).to.be.greaterThan(0);
    expect(Number(m.get('producer-metrics:request-total'))).to.be.at.least(Number(m.get('producer-metrics:produce-request-total')));

    const badDuration = await kafkats(['producer-perf-test', '--topic', TXN_TOPIC, '--num-records', '1', '--record-size', '1', '--throughput', '-1', '--bootstrap-server', bs(), '--transaction-duration-ms', '0']);
    expect(badDuration.code).to.equal(1);
    expect(badDuration.stderr).to.contain('--transaction-duration-ms must be at least 1, got 0');
  });

  it('prints the consumer\'s metrics with --print-metrics', async () => {
    const r = await kafkatsOk(['consumer-perf-test', '--bootstrap-server', bs(), '--topic', TOPIC, '--messages', '4200', '--print-metrics'], undefined, 60_000);
    const m = metricsOf(r.stdout, 'perf-consumer-client');
    expect(m.get('consumer-fetch-manager-metrics:records-consumed-total')).to.equal('4200.000');
    expect(m.get('consumer-fetch-manager-metrics:bytes-consumed-total')).to.equal((4200 * 100).toFixed(3));
    expect(Number(m.get('consumer-fetch-manager-metrics:fetch-total'))).to.be.greaterThan(0);
    expect(Number(m.get('consumer-fetch-manager-metrics:fetch-latency-max'))).to.be.at.least(Number(m.get('consumer-fetch-manager-metrics:fetch-latency-avg')));
    expect(Number(m.get('consumer-coordinator-metrics:join-total'))).to.be.at.least(1);
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
