/**
 * The console's live bytes in/out: each broker's `/metrics` endpoint (found through DescribeConfigs
 * of the broker's `kafkats.metrics.port` and `kafkats.metrics.host`, as an operator would read them)
 * scraped on every refresh; the rate is the counters' growth since the previous scrape, summed over
 * topics as Kafka's all-topics BytesInPerSec/BytesOutPerSec MBeans are. A broker without a metrics
 * endpoint, or one that does not answer, simply has no rate.
 */
import { ApiKeys } from '../../protocol/index.js';
import { METRICS } from '../../metrics/metric-names.js';
import type { AdminClient, BrokerNode } from '../admin-client.js';
import { Errors } from '../../protocol/errors.js';

export interface BrokerRate {
  brokerId: number;
  bytesInPerSec: number | null;
  bytesOutPerSec: number | null;
}

export interface RatePoint {
  time: number;
  bytesInPerSec: number;
  bytesOutPerSec: number;
}

interface Sample { time: number; bytesIn: number; bytesOut: number }

/** Sum of every sample of a Prometheus counter in a text exposition. */
export function sumOfCounter(exposition: string, name: string): number | null {
  let sum = 0;
  let seen = false;
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const value = Number(rest.slice(rest.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) {
      sum += value;
      seen = true;
    }
  }
  return seen ? sum : null;
}

const HISTORY = 60;

export class BrokerMetrics {
  private readonly endpoints = new Map<number, string | null>();
  private readonly last = new Map<number, Sample>();
  private readonly history: RatePoint[] = [];

  constructor(private readonly admin: AdminClient, private readonly scrapeTimeoutMs = 2000) {}

  /** The broker's metrics URL from its own configuration; null when it serves none. */
  private async endpointOf(b: BrokerNode): Promise<string | null> {
    if (this.endpoints.has(b.nodeId)) return this.endpoints.get(b.nodeId)!;
    let url: string | null = null;
    try {
      const r = await this.admin.send(`${b.host}:${b.port}`, ApiKeys.DESCRIBE_CONFIGS, 1, {
        resources: [{ resourceType: 4, resourceName: String(b.nodeId), configurationKeys: ['kafkats.metrics.port', 'kafkats.metrics.host'] }],
        includeSynonyms: false,
      });
      const res = r.results[0];
      if (res && res.errorCode === Errors.NONE.code) {
        const port = Number(res.configs.find((c) => c.name === 'kafkats.metrics.port')?.value ?? -1);
        const host = res.configs.find((c) => c.name === 'kafkats.metrics.host')?.value || b.host;
        if (port > 0) url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`;
      }
    } catch {
      return null; // not cached: asked again on the next refresh
    }
    this.endpoints.set(b.nodeId, url);
    return url;
  }

  /** Scrapes every live broker; each broker's rate since the previous scrape. */
  async scrape(brokers: readonly BrokerNode[]): Promise<BrokerRate[]> {
    const rates = await Promise.all(brokers.map(async (b): Promise<BrokerRate> => {
      const none = { brokerId: b.nodeId, bytesInPerSec: null, bytesOutPerSec: null };
      const url = await this.endpointOf(b);
      if (url === null) return none;
      let text: string;
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(this.scrapeTimeoutMs) });
        if (!res.ok) return none;
        text = await res.text();
      } catch {
        this.endpoints.delete(b.nodeId);
        return none;
      }
      const sample = { time: Date.now(), bytesIn: sumOfCounter(text, METRICS.bytesIn.name) ?? 0, bytesOut: sumOfCounter(text, METRICS.bytesOut.name) ?? 0 };
      const prev = this.last.get(b.nodeId);
      this.last.set(b.nodeId, sample);
      if (!prev || sample.time <= prev.time) return none;
      const secs = (sample.time - prev.time) / 1000;
      // A restarted broker starts its counters at 0 again: no negative rates.
      return { brokerId: b.nodeId, bytesInPerSec: Math.max(0, (sample.bytesIn - prev.bytesIn) / secs), bytesOutPerSec: Math.max(0, (sample.bytesOut - prev.bytesOut) / secs) };
    }));
    const measured = rates.filter((r) => r.bytesInPerSec !== null);
    if (measured.length > 0) {
      this.history.push({
        time: Date.now(),
        bytesInPerSec: measured.reduce((s, r) => s + r.bytesInPerSec!, 0),
        bytesOutPerSec: measured.reduce((s, r) => s + r.bytesOutPerSec!, 0),
      });
      if (this.history.length > HISTORY) this.history.shift();
    }
    return rates;
  }

  rateHistory(): RatePoint[] {
    return [...this.history];
  }
}
