/**
 * Controller-to-broker requests carry the recipient's broker epoch as the controller knows it
 * (KIP-380); one older than this broker's current registration comes from before a re-registration
 * and is refused with STALE_BROKER_EPOCH (KafkaApis.isBrokerEpochStale). -1 means "not checked".
 */
import type { RequestContext } from './handler.js';

export function isBrokerEpochStale(ctx: RequestContext, brokerEpochInRequest: bigint): boolean {
  return brokerEpochInRequest !== -1n && brokerEpochInRequest < ctx.broker.brokerEpoch();
}
