/**
 * The little the broker knows of the consumer's embedded protocol (Kafka's ConsumerProtocol): the
 * protocol type "consumer" and, from each member's subscription, the topics it subscribes to
 * (for OffsetDelete's GROUP_SUBSCRIBED_TO_TOPIC and offset expiry). Subscriptions are read with
 * the version-0 schema, the prefix of every later version, so future versions parse too.
 */
import { decodeData } from '../../protocol/frames.js';
import { MessageDecodeError } from '../../protocol/reader.js';

export const CONSUMER_PROTOCOL_TYPE = 'consumer';

/** The topics of a version-prefixed ConsumerProtocolSubscription; throws a MessageDecodeError when malformed. */
export function subscribedTopicsOf(subscription: Buffer): string[] {
  if (subscription.length < 2) throw new MessageDecodeError('consumer subscription shorter than its version');
  const version = subscription.readInt16BE(0);
  if (version < 0) throw new MessageDecodeError(`consumer subscription version ${version}`);
  return decodeData('ConsumerProtocolSubscription', 0, subscription.subarray(2)).topics;
}
