/**
 * Command-line options of the fault campaign (`npm run test:faults -- …`).
 */
import { NEMESES } from './nemeses.js';

export interface CampaignOptions {
  /** Length of the fault phase (set-up and the final checks come on top). */
  minutes: number;
  /** Stop after this many faults (Infinity: until the minutes are over). */
  faults: number;
  seed: number;
  netns: boolean;
  report: string | null;
  keep: boolean;
  nemeses: string[];
  sessionTimeoutMs: number;
  replicaLagTimeMaxMs: number;
  ratePerSecond: number;
  partitions: number;
  diskMb: number;
  brokerOutput: boolean;
}

export const USAGE = `Usage: npm run test:faults -- [options]

A Jepsen-style fault campaign against a real kafkats cluster: ZooKeeper, 3 broker processes (each in
its own network namespace when run as root), an idempotent librdkafka producer and group consumers;
nemeses kill, pause, cut and starve brokers and restart ZooKeeper; a checker verifies what was
acknowledged and read against every replica. Prints a table, writes a JSON report, exits 1 on any
violation. Needs \`npm run build\` first (brokers run from dist/).

Options:
  --minutes N             length of the fault phase (default 10)
  --faults N              stop after N faults (default: as many as fit in --minutes)
  --seed S                random seed (default: random, printed; the same seed picks the same nemeses and targets)
  --no-netns              processes on 127.0.0.1 only (no namespaces: cuts between brokers are skipped)
  --report PATH           where the JSON report goes (default: $TMPDIR/kafkats-faults-<run>.json)
  --keep                  keep the run directory (broker logs, workload output) even when the run is clean
  --nemeses a,b,…         only these nemeses (${NEMESES.map((n) => n.name).join(', ')})
  --session-timeout-ms N  brokers' zookeeper.session.timeout.ms (default 6000)
  --rate N                records per second the producer sends (default 150)
  --partitions N          partitions of the workload topic (default 6)
  --disk-mb N             size of each broker's tmpfs log dir (default 256)
  --broker-output         print the brokers' log lines
  --help`;

export function parseOptions(argv: string[]): CampaignOptions {
  const o: CampaignOptions = {
    minutes: 10,
    faults: Infinity,
    seed: Math.floor(Math.random() * 2 ** 31),
    netns: true,
    report: null,
    keep: false,
    nemeses: NEMESES.map((n) => n.name),
    sessionTimeoutMs: 6000,
    replicaLagTimeMaxMs: 5000,
    ratePerSecond: 150,
    partitions: 6,
    diskMb: 256,
    brokerOutput: false,
  };
  const number = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a number (got ${String(v)})`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string | undefined => argv[++i];
    switch (a) {
      case '--minutes': o.minutes = number(a, next()); break;
      case '--faults': o.faults = number(a, next()); break;
      case '--seed': o.seed = number(a, next()); break;
      case '--no-netns': o.netns = false; break;
      case '--report': o.report = next() ?? null; break;
      case '--keep': o.keep = true; break;
      case '--nemeses': {
        const names = (next() ?? '').split(',').filter(Boolean);
        const unknown = names.filter((n) => !NEMESES.some((x) => x.name === n));
        if (unknown.length > 0 || names.length === 0) throw new Error(`unknown nemeses: ${unknown.join(', ') || '(none given)'}`);
        o.nemeses = names;
        break;
      }
      case '--session-timeout-ms': o.sessionTimeoutMs = number(a, next()); break;
      case '--rate': o.ratePerSecond = number(a, next()); break;
      case '--partitions': o.partitions = number(a, next()); break;
      case '--disk-mb': o.diskMb = number(a, next()); break;
      case '--broker-output': o.brokerOutput = true; break;
      case '--help': case '-h': throw new HelpRequested();
      default: throw new Error(`unknown option ${a}`);
    }
  }
  return o;
}

export class HelpRequested extends Error {}
