/**
 * The allow-list of (client, feature) checks that may fail because kafkats does not serve the
 * feature yet. Such a check still runs: when it fails its cell reads "unsupported (#issue)" and
 * the suite stays green; when it passes the cell reads "pass" and the report flags the entry as
 * stale (remove it here). A failing check that is not listed fails the suite.
 */
export interface KnownGap {
  client: string;
  feature: string;
  issue: number;
  reason: string;
}

/**
 * Empty since #7 (exactly-once) landed: the idempotent-producer and transaction checks of kafkajs,
 * kcat and confluent-kafka-python pass. An entry looks like
 * `{ client: 'kafkajs', feature: 'idempotent producer', issue: 7, reason: 'InitProducerId is not served yet' }`.
 */
export const KNOWN_GAPS: readonly KnownGap[] = [];

export function knownGap(client: string, feature: string): KnownGap | undefined {
  return KNOWN_GAPS.find((g) => g.client === client && g.feature === feature);
}
