/**
 * What LeaderAndIsr, UpdateMetadata and StopReplica check before anything is applied. Their
 * broker epoch is the recipient's as the controller knows it (KIP-380): one older than this
 * broker's current registration comes from before a re-registration and is refused with
 * STALE_BROKER_EPOCH (KafkaApis.isBrokerEpochStale; -1 means "not checked"). Then (kafkats, not
 * Kafka) the broker's ControllerRequestVerifier refuses what ZooKeeper says no controller sent.
 */
import { Errors } from '../../protocol/errors.js';
import type { ControllerRequest } from '../controller-request-verifier.js';
import type { RequestContext } from './handler.js';

export function isBrokerEpochStale(ctx: RequestContext, brokerEpochInRequest: bigint): boolean {
  return brokerEpochInRequest !== -1n && brokerEpochInRequest < ctx.broker.brokerEpoch();
}

/** NONE when the request may be applied, else the error code it answers. */
export async function controllerRequestError(ctx: RequestContext, request: ControllerRequest): Promise<number> {
  if (isBrokerEpochStale(ctx, request.brokerEpoch)) return Errors.STALE_BROKER_EPOCH.code;
  return (await ctx.broker.controllerRequestVerifier?.verify(ctx.header.requestApiKey, request)) ?? Errors.NONE.code;
}
