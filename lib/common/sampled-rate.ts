/**
 * Kafka's metrics Rate over a SampledStat (org.apache.kafka.common.metrics.stats.Rate / SampledStat):
 * values are summed into `samples` windows of `timeWindowMs`; the rate is the sum of the windows
 * not yet expired divided by the time they span — at least `samples - 1` whole windows, so a rate
 * measured early is not inflated by a short elapsed time. What Kafka's quota sensors check.
 */
import type { Time } from './time.js';

interface Sample {
  lastWindowMs: number;
  value: number;
}

export interface SampledRateConfig {
  /** Kafka's MetricConfig.samples (replication.quota.window.num). */
  samples: number;
  /** Kafka's MetricConfig.timeWindowMs (replication.quota.window.size.seconds × 1000). */
  timeWindowMs: number;
}

export class SampledRate {
  private readonly samples: Sample[] = [];
  private current = 0;

  constructor(private readonly config: SampledRateConfig, private readonly time: Time) {
    this.samples.push({ lastWindowMs: time.milliseconds(), value: 0 });
  }

  /** Adds `value` to the current window (a new one once it is full). */
  record(value: number, nowMs: number = this.time.milliseconds()): void {
    let sample = this.samples[this.current]!;
    if (nowMs - sample.lastWindowMs >= this.config.timeWindowMs) {
      this.current = (this.current + 1) % this.config.samples;
      if (this.current >= this.samples.length) this.samples.push({ lastWindowMs: nowMs, value: 0 });
      sample = this.samples[this.current]!;
      sample.lastWindowMs = nowMs;
      sample.value = 0;
    }
    sample.value += value;
  }

  /** Units per second over the live windows (Kafka's Rate.measure with SECONDS). */
  measure(nowMs: number = this.time.milliseconds()): number {
    this.purgeObsoleteSamples(nowMs);
    const total = this.samples.reduce((n, s) => n + s.value, 0);
    const oldest = Math.min(...this.samples.map((s) => s.lastWindowMs));
    let elapsedMs = nowMs - oldest;
    const fullWindows = Math.floor(elapsedMs / this.config.timeWindowMs);
    const minFullWindows = this.config.samples - 1;
    if (fullWindows < minFullWindows) elapsedMs += (minFullWindows - fullWindows) * this.config.timeWindowMs;
    return elapsedMs <= 0 ? 0 : (total * 1000) / elapsedMs;
  }

  /** Kafka's SampledStat.purgeObsoleteSamples: windows older than samples × window restart empty. */
  private purgeObsoleteSamples(nowMs: number): void {
    const expireAge = this.config.samples * this.config.timeWindowMs;
    for (const s of this.samples) {
      if (nowMs - s.lastWindowMs >= expireAge) {
        s.lastWindowMs = nowMs;
        s.value = 0;
      }
    }
  }
}
