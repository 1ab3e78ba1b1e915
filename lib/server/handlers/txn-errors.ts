/**
 * Shared by the transaction handlers: Kafka answers PRODUCER_FENCED (KIP-588) only to request
 * versions that know it, and INVALID_PRODUCER_EPOCH to older ones.
 */
import { errorForName } from '../../protocol/errors.js';

const PRODUCER_FENCED = errorForName('PRODUCER_FENCED').code;
const INVALID_PRODUCER_EPOCH = errorForName('INVALID_PRODUCER_EPOCH').code;
export const COORDINATOR_NOT_AVAILABLE = errorForName('COORDINATOR_NOT_AVAILABLE').code;

export function fencedForVersion(error: number, version: number, firstVersionWithProducerFenced: number): number {
  return error === PRODUCER_FENCED && version < firstVersionWithProducerFenced ? INVALID_PRODUCER_EPOCH : error;
}
