/**
 * Kafka's org.apache.kafka.common.internals.Topic: legal topic names, the `.`/`_` collision rule
 * and the internal topic names.
 */
import { InvalidTopicError } from '../protocol/errors.js';

/** Topic.GROUP_METADATA_TOPIC_NAME. */
export const GROUP_METADATA_TOPIC_NAME = '__consumer_offsets';
/** Topic.TRANSACTION_STATE_TOPIC_NAME. */
export const TRANSACTION_STATE_TOPIC_NAME = '__transaction_state';
/** Topic.MAX_NAME_LENGTH. */
export const MAX_NAME_LENGTH = 249;

const LEGAL_CHARS = /^[a-zA-Z0-9._-]+$/;

/** The reason a topic name is illegal, or null when it is legal (Topic.validate's messages). */
export function topicNameProblem(name: string): string | null {
  if (name.length === 0) return 'Topic name is illegal, it can\'t be empty';
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."';
  if (name.length > MAX_NAME_LENGTH) {
    return `Topic name is illegal, it can't be longer than ${MAX_NAME_LENGTH} characters, Topic name: ${name}`;
  }
  if (!LEGAL_CHARS.test(name)) {
    return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  }
  return null;
}

/** Topic.validate: throws InvalidTopicError (INVALID_TOPIC_EXCEPTION) for an illegal name. */
export function validateTopicName(name: string): void {
  const problem = topicNameProblem(name);
  if (problem !== null) throw new InvalidTopicError(problem);
}

export function isValidTopicName(name: string): boolean {
  return topicNameProblem(name) === null;
}

/** Topic.hasCollisionChars: the name contains `.` or `_` (which metric names cannot tell apart). */
export function hasCollisionChars(name: string): boolean {
  return name.includes('.') || name.includes('_');
}

/** Topic.hasCollision: the two names are equal once `.` is read as `_`. */
export function hasCollision(a: string, b: string): boolean {
  return a.replaceAll('.', '_') === b.replaceAll('.', '_');
}

/** Topic.isInternal. */
export function isInternalTopic(name: string): boolean {
  return name === GROUP_METADATA_TOPIC_NAME || name === TRANSACTION_STATE_TOPIC_NAME;
}
