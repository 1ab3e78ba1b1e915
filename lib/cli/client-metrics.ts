/**
 * The perf tools' --print-metrics: client metrics under Kafka's names (`producer-metrics`,
 * `consumer-fetch-manager-metrics` …), printed as Kafka's ToolsUtils.printMetrics prints a client's
 * metrics at the end of a run: a `Metric Name   Value` header, then `group:name:{client-id=…}`
 * sorted, padded to the longest name, `%.3f` values. kafkajs keeps no metrics of its own, so these
 * come from its request instrumentation (each answered request: API, response size, round trip)
 * and from what the tool counts itself (records, bytes, transactions); only measured values are
 * printed, none made up.
 */

/** What kafkajs' producer, consumer and admin expose for instrumentation events. */
interface Instrumented {
  on(event: string, listener: (e: { payload: RequestEvent }) => void): unknown;
  events: { REQUEST: string };
}

interface RequestEvent { apiName: string; size: number; duration: number }

interface ApiStats { count: number; bytes: number; latencySum: number; latencyMax: number }

/** Counts every answered request of a kafkajs client, by API. */
export class RequestStats {
  private readonly byApi = new Map<string, ApiStats>();

  constructor(client: Instrumented) {
    client.on(client.events.REQUEST, ({ payload }) => {
      let s = this.byApi.get(payload.apiName);
      if (s === undefined) this.byApi.set(payload.apiName, (s = { count: 0, bytes: 0, latencySum: 0, latencyMax: 0 }));
      s.count++;
      s.bytes += payload.size;
      s.latencySum += payload.duration;
      s.latencyMax = Math.max(s.latencyMax, payload.duration);
    });
  }

  /** One API's totals (`Produce`, `Fetch` …), or all of them together without `apiName`. */
  of(apiName?: string): ApiStats {
    const all: ApiStats = { count: 0, bytes: 0, latencySum: 0, latencyMax: 0 };
    for (const [name, s] of this.byApi) {
      if (apiName !== undefined && name !== apiName) continue;
      all.count += s.count;
      all.bytes += s.bytes;
      all.latencySum += s.latencySum;
      all.latencyMax = Math.max(all.latencyMax, s.latencyMax);
    }
    return all;
  }
}

/** `group:name` → value; NaN for an average of nothing (as Kafka's Avg of no samples). */
export type MetricValues = Map<string, number>;

export const avg = (sum: number, count: number): number => (count === 0 ? NaN : sum / count);

/** Java's `%.3f` (NaN and the infinities as Java prints them). */
function javaFixed3(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  return v.toFixed(3);
}

/** ToolsUtils.printMetrics' text for the metrics of one client (its tags: `{client-id=…}`). */
export function formatMetrics(values: MetricValues, clientId: string): string {
  const rows = [...values].map(([groupAndName, v]) => [`${groupAndName}:{client-id=${clientId}}`, v] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (rows.length === 0) return '';
  const width = Math.max(...rows.map(([name]) => name.length));
  const lines = [`\n${'Metric Name'.padEnd(width)}   Value`, ...rows.map(([name, v]) => `${name.padEnd(width)} : ${javaFixed3(v)}`)];
  return lines.join('\n') + '\n';
}
