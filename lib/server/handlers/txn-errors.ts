/**
 * Shared by the transaction handlers: Kafka answers Errors.PRODUCER_FENCED.code (KIP-588) only to request
 * versions that know it, and Errors.INVALID_PRODUCER_EPOCH.code to older ones.
 */
import { Errors } from '../../protocol/errors.js';

export const COORDINATOR_NOT_AVAILABLE = Errors.COORDINATOR_NOT_AVAILABLE.code;

export function fencedForVersion(error: number, version: number, firstVersionWithProducerFenced: number): number {
  return error === Errors.PRODUCER_FENCED.code && version < firstVersionWithProducerFenced ? Errors.INVALID_PRODUCER_EPOCH.code : error;
}
