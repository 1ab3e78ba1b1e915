/**
 * Kafka's FetchMetadata (KIP-227): the session id and epoch a Fetch request carries. Epoch 0 opens a
 * session with a full fetch, -1 is a full fetch without one, and each incremental fetch uses the next
 * epoch (wrapping to 1).
 */
export const INVALID_SESSION_ID = 0;
export const INITIAL_EPOCH = 0;
export const FINAL_EPOCH = -1;

/** FetchMetadata.nextEpoch. */
export function nextEpoch(epoch: number): number {
  if (epoch < 0) return FINAL_EPOCH;
  return epoch === 0x7fffffff ? 1 : epoch + 1;
}
