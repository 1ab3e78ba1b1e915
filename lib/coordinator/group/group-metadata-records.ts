/**
 * The records of __consumer_offsets (Kafka's GroupMetadataManager companion object): keys and
 * values are an int16 schema version followed by the schema of that version (non-flexible
 * encodings for the versions written), through the generated codec:
 *
 *   key v0/v1  OffsetCommitKey   group, topic, partition        (written as v1)
 *   key v2     GroupMetadataKey  group
 *   value      OffsetCommitValue  v3 (offset, leaderEpoch, metadata, commitTimestamp), or v1
 *              (offset, metadata, commitTimestamp, expireTimestamp) when an expire timestamp is set
 *   value      GroupMetadataValue v3 (protocolType, generation, protocol, leader,
 *              currentStateTimestamp, members[memberId, groupInstanceId, clientId, clientHost,
 *              rebalanceTimeout, sessionTimeout, subscription, assignment])
 *   null value = tombstone (offset deleted / group removed)
 *
 * Key versions above 2 belong to the KIP-848 coordinator and are reported as 'unknown' so the
 * loader skips them, as Kafka 3.x does.
 */
import type { TopicPartition } from '../../common/topic-partition.js';
import { decodeVersionPrefixed, encodeVersionPrefixed, readVersionPrefix } from '../../protocol/frames.js';
import type { Time } from '../../common/time.js';
import { partitionForKey } from '../../utils/java-hash.js';
import { GroupMetadata } from './group-metadata.js';
import { GroupState } from './group-state.js';
import { MemberMetadata } from './member-metadata.js';
import type { OffsetAndMetadata } from './offset-and-metadata.js';

export const CURRENT_OFFSET_KEY_SCHEMA_VERSION = 1;
export const CURRENT_GROUP_KEY_SCHEMA_VERSION = 2;
export const CURRENT_OFFSET_VALUE_SCHEMA_VERSION = 3;
export const OFFSET_VALUE_SCHEMA_VERSION_WITH_EXPIRE = 1;
export const CURRENT_GROUP_VALUE_SCHEMA_VERSION = 3;

export type BaseKey =
  | { type: 'offset'; version: number; groupId: string; topicPartition: TopicPartition }
  | { type: 'group'; version: number; groupId: string }
  | { type: 'unknown'; version: number };

/** The __consumer_offsets partition of a group: abs(groupId.hashCode) % partitionCount. */
export function partitionForGroup(groupId: string, partitionCount: number): number {
  return partitionForKey(groupId, partitionCount);
}

export function offsetCommitKey(groupId: string, tp: TopicPartition): Buffer {
  return encodeVersionPrefixed('OffsetCommitKey', CURRENT_OFFSET_KEY_SCHEMA_VERSION, { group: groupId, topic: tp.topic, partition: tp.partition });
}

export function groupMetadataKey(groupId: string): Buffer {
  return encodeVersionPrefixed('GroupMetadataKey', CURRENT_GROUP_KEY_SCHEMA_VERSION, { group: groupId });
}

export function offsetCommitValue(o: OffsetAndMetadata): Buffer {
  if (o.expireTimestamp !== null) {
    return encodeVersionPrefixed('OffsetCommitValue', OFFSET_VALUE_SCHEMA_VERSION_WITH_EXPIRE, {
      offset: o.offset, metadata: o.metadata, commitTimestamp: BigInt(o.commitTimestamp), expireTimestamp: BigInt(o.expireTimestamp),
    });
  }
  return encodeVersionPrefixed('OffsetCommitValue', CURRENT_OFFSET_VALUE_SCHEMA_VERSION, {
    offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata, commitTimestamp: BigInt(o.commitTimestamp),
  });
}

/**
 * The GroupMetadataValue of `group` with `assignment` (member id → assignment bytes; every member
 * must have one). Subscriptions are the members' metadata for the selected protocol (empty if none).
 */
export function groupMetadataValue(group: GroupMetadata, assignment: ReadonlyMap<string, Buffer>): Buffer {
  const protocol = group.protocolName;
  return encodeVersionPrefixed('GroupMetadataValue', CURRENT_GROUP_VALUE_SCHEMA_VERSION, {
    protocolType: group.protocolType ?? '',
    generation: group.generationId,
    protocol,
    leader: group.leaderOrNull(),
    currentStateTimestamp: BigInt(group.currentStateTimestampOrDefault()),
    members: group.allMemberMetadata().map((m) => {
      const a = assignment.get(m.memberId);
      if (a === undefined) throw new Error(`No assignment for member ${m.memberId} of group ${group.groupId}`);
      return {
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs,
        sessionTimeout: m.sessionTimeoutMs,
        subscription: protocol === null ? Buffer.alloc(0) : m.metadata(protocol),
        assignment: a,
      };
    }),
  });
}

/** Decodes a key of __consumer_offsets (MessageDecodeError when malformed). */
export function readMessageKey(key: Buffer): BaseKey {
  const version = readVersionPrefix(key);
  if (version === 0 || version === 1) {
    const { value } = decodeVersionPrefixed('OffsetCommitKey', key);
    return { type: 'offset', version, groupId: value.group, topicPartition: { topic: value.topic, partition: value.partition } };
  }
  if (version === 2) {
    const { value } = decodeVersionPrefixed('GroupMetadataKey', key);
    return { type: 'group', version, groupId: value.group };
  }
  return { type: 'unknown', version };
}

/** Decodes an OffsetCommitValue (v0–4); null for a tombstone. */
export function readOffsetMessageValue(buf: Buffer | null): OffsetAndMetadata | null {
  if (buf === null) return null;
  const { version, value } = decodeVersionPrefixed('OffsetCommitValue', buf);
  return {
    offset: value.offset,
    leaderEpoch: version >= 3 ? value.leaderEpoch : -1,
    metadata: value.metadata,
    commitTimestamp: Number(value.commitTimestamp),
    expireTimestamp: version === 1 && value.expireTimestamp !== -1n ? Number(value.expireTimestamp) : null,
  };
}

/** Decodes a GroupMetadataValue (v0–4) into a group (Stable with members, else Empty); null for a tombstone. */
export function readGroupMessageValue(groupId: string, buf: Buffer | null, time: Time): GroupMetadata | null {
  if (buf === null) return null;
  const { version, value } = decodeVersionPrefixed('GroupMetadataValue', buf);
  const protocolType = value.protocolType;
  const members = value.members.map((m) => new MemberMetadata(
    m.memberId,
    version >= 3 ? m.groupInstanceId : null,
    m.clientId,
    m.clientHost,
    version === 0 ? m.sessionTimeout : m.rebalanceTimeout,
    m.sessionTimeout,
    protocolType,
    [{ name: value.protocol ?? '', metadata: m.subscription }],
  ));
  for (let i = 0; i < members.length; i++) members[i]!.assignment = value.members[i]!.assignment;
  return GroupMetadata.loadGroup(groupId, members.length === 0 ? GroupState.Empty : GroupState.Stable, {
    generationId: value.generation,
    protocolType,
    protocolName: value.protocol,
    leaderId: value.leader,
    currentStateTimestamp: version >= 2 && value.currentStateTimestamp !== -1n ? Number(value.currentStateTimestamp) : null,
    members,
  }, time);
}
