/**
 * `kafkats broker-api-versions` — Kafka's kafka-broker-api-versions.sh (BrokerApiVersionsCommand):
 * ApiVersions to every broker of the cluster, printed per broker as Kafka's NodeApiVersions does:
 * `host:port (id: 1 rack: null) -> (` then one line per api, `<TAB>Produce(0): 0 to 11 [usable: 11],`,
 * where usable is the highest version both this client (Kafka 3.9's stable versions) and the broker
 * speak, `[unusable: node too old|new]` when none, and `Name(key): UNSUPPORTED` for a client api the
 * broker does not list; `host:port (id: 1 rack: null) -> ERROR: …` for a broker that did not answer.
 */
import type { Command } from 'commander';
import { ALL_API_KEYS, ApiKeys, apiMessageType } from '../protocol/index.js';
import { withAdmin } from './admin-client.js';
import { cliAction, describeError, parseBootstrapServers } from './cli-support.js';

interface BrokerApiVersionsOptions {
  bootstrapServer?: string;
}

export function registerBrokerApiVersions(program: Command): void {
  program
    .command('broker-api-versions')
    .description('print the api versions every broker supports (Kafka\'s kafka-broker-api-versions.sh)')
    .option('--bootstrap-server <servers>', 'the brokers to connect to: host:port[,host:port…]')
    .addHelpText('after', `
Example:
  kafkats broker-api-versions --bootstrap-server localhost:9092`)
    .action(cliAction('broker-api-versions', runBrokerApiVersions));
}

/** The newest stable version of an api this client speaks (Kafka's ApiKeys.latestVersion()). */
function clientLatest(apiKey: number): number {
  const t = apiMessageType(apiKey);
  return t.validVersions.max - (t.latestVersionUnstable ? 1 : 0);
}

/** Kafka's ApiKeys.clientApis(): the apis a ZooKeeper-mode or KRaft broker listener exposes. */
const CLIENT_APIS = ALL_API_KEYS.filter((k) => {
  const l = apiMessageType(k).listeners;
  return l.includes('zkBroker') || l.includes('broker');
});

/** NodeApiVersions.toString(true): the broker's versions in api key order, one per line. */
export function formatApiVersions(versions: ReadonlyArray<{ apiKey: number; minVersion: number; maxVersion: number }>): string {
  const text = new Map<number, string>();
  for (const v of versions) {
    const known = ALL_API_KEYS.includes(v.apiKey);
    let s = `${known ? apiMessageType(v.apiKey).name : 'UNKNOWN'}(${v.apiKey}): ${v.minVersion === v.maxVersion ? v.minVersion : `${v.minVersion} to ${v.maxVersion}`}`;
    if (known) {
      const t = apiMessageType(v.apiKey);
      const latest = clientLatest(v.apiKey);
      if (latest < v.minVersion) s += ' [unusable: node too new]';
      else if (v.maxVersion < t.validVersions.min) s += ' [unusable: node too old]';
      else s += ` [usable: ${Math.min(latest, v.maxVersion)}]`;
    }
    text.set(v.apiKey, s);
  }
  for (const k of CLIENT_APIS) if (!text.has(k)) text.set(k, `${apiMessageType(k).name}(${k}): UNSUPPORTED`);
  const lines = [...text].sort(([a], [b]) => a - b).map(([, s]) => s);
  return `(\n\t${lines.join(',\n\t')}\n)`;
}

async function runBrokerApiVersions(opts: BrokerApiVersionsOptions): Promise<void> {
  const bootstrap = parseBootstrapServers(opts.bootstrapServer);
  await withAdmin(bootstrap, async (admin) => {
    const { brokers } = await admin.brokers();
    const results = await Promise.all([...brokers].sort((a, b) => a.nodeId - b.nodeId).map(async (b) => {
      const node = `${b.host}:${b.port} (id: ${b.nodeId} rack: ${b.rack ?? 'null'})`;
      try {
        const r = await admin.send(`${b.host}:${b.port}`, ApiKeys.API_VERSIONS, 0, {});
        if (r.errorCode !== 0) return `${node} -> ERROR: ApiVersions error code ${r.errorCode}`;
        return `${node} -> ${formatApiVersions(r.apiKeys)}`;
      } catch (err) {
        process.exitCode = 1;
        return `${node} -> ERROR: ${describeError(err)}`;
      }
    }));
    process.stdout.write(results.map((r) => r + '\n').join(''));
  }, 'broker-api-versions');
}
