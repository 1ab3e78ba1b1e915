/**
 * Kafka's error codes (org.apache.kafka.common.protocol.Errors, 3.9): name, code, retriable, and one
 * ApiError subclass per code. Deep layers throw these; handlers map them to the code on the wire.
 * Never match on message text: use `instanceof` or `.code`.
 */

export interface ErrorInfo {
  readonly name: string;
  readonly code: number;
  readonly retriable: boolean;
}

/** [name, code, retriable] for every code Kafka 3.9 defines. */
const TABLE: ReadonlyArray<readonly [string, number, boolean]> = [
  ['UNKNOWN_SERVER_ERROR', -1, false],
  ['NONE', 0, false],
  ['OFFSET_OUT_OF_RANGE', 1, false],
  ['CORRUPT_MESSAGE', 2, true],
  ['UNKNOWN_TOPIC_OR_PARTITION', 3, true],
  ['INVALID_FETCH_SIZE', 4, false],
  ['LEADER_NOT_AVAILABLE', 5, true],
  ['NOT_LEADER_OR_FOLLOWER', 6, true],
  ['REQUEST_TIMED_OUT', 7, true],
  ['BROKER_NOT_AVAILABLE', 8, false],
  ['REPLICA_NOT_AVAILABLE', 9, true],
  ['MESSAGE_TOO_LARGE', 10, false],
  ['STALE_CONTROLLER_EPOCH', 11, false],
  ['OFFSET_METADATA_TOO_LARGE', 12, false],
  ['NETWORK_EXCEPTION', 13, true],
  ['COORDINATOR_LOAD_IN_PROGRESS', 14, true],
  ['COORDINATOR_NOT_AVAILABLE', 15, true],
  ['NOT_COORDINATOR', 16, true],
  ['INVALID_TOPIC_EXCEPTION', 17, false],
  ['RECORD_LIST_TOO_LARGE', 18, false],
  ['NOT_ENOUGH_REPLICAS', 19, true],
  ['NOT_ENOUGH_REPLICAS_AFTER_APPEND', 20, true],
  ['INVALID_REQUIRED_ACKS', 21, false],
  ['ILLEGAL_GENERATION', 22, false],
  ['INCONSISTENT_GROUP_PROTOCOL', 23, false],
  ['INVALID_GROUP_ID', 24, false],
  ['UNKNOWN_MEMBER_ID', 25, false],
  ['INVALID_SESSION_TIMEOUT', 26, false],
  ['REBALANCE_IN_PROGRESS', 27, false],
  ['INVALID_COMMIT_OFFSET_SIZE', 28, false],
  ['TOPIC_AUTHORIZATION_FAILED', 29, false],
  ['GROUP_AUTHORIZATION_FAILED', 30, false],
  ['CLUSTER_AUTHORIZATION_FAILED', 31, false],
  ['INVALID_TIMESTAMP', 32, false],
  ['UNSUPPORTED_SASL_MECHANISM', 33, false],
  ['ILLEGAL_SASL_STATE', 34, false],
  ['UNSUPPORTED_VERSION', 35, false],
  ['TOPIC_ALREADY_EXISTS', 36, false],
  ['INVALID_PARTITIONS', 37, false],
  ['INVALID_REPLICATION_FACTOR', 38, false],
  ['INVALID_REPLICA_ASSIGNMENT', 39, false],
  ['INVALID_CONFIG', 40, false],
  ['NOT_CONTROLLER', 41, true],
  ['INVALID_REQUEST', 42, false],
  ['UNSUPPORTED_FOR_MESSAGE_FORMAT', 43, false],
  ['POLICY_VIOLATION', 44, false],
  ['OUT_OF_ORDER_SEQUENCE_NUMBER', 45, false],
  ['DUPLICATE_SEQUENCE_NUMBER', 46, false],
  ['INVALID_PRODUCER_EPOCH', 47, false],
  ['INVALID_TXN_STATE', 48, false],
  ['INVALID_PRODUCER_ID_MAPPING', 49, false],
  ['INVALID_TRANSACTION_TIMEOUT', 50, false],
  ['CONCURRENT_TRANSACTIONS', 51, true],
  ['TRANSACTION_COORDINATOR_FENCED', 52, false],
  ['TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 53, false],
  ['SECURITY_DISABLED', 54, false],
  ['OPERATION_NOT_ATTEMPTED', 55, false],
  ['KAFKA_STORAGE_ERROR', 56, true],
  ['LOG_DIR_NOT_FOUND', 57, false],
  ['SASL_AUTHENTICATION_FAILED', 58, false],
  ['UNKNOWN_PRODUCER_ID', 59, false],
  ['REASSIGNMENT_IN_PROGRESS', 60, false],
  ['DELEGATION_TOKEN_AUTH_DISABLED', 61, false],
  ['DELEGATION_TOKEN_NOT_FOUND', 62, false],
  ['DELEGATION_TOKEN_OWNER_MISMATCH', 63, false],
  ['DELEGATION_TOKEN_REQUEST_NOT_ALLOWED', 64, false],
  ['DELEGATION_TOKEN_AUTHORIZATION_FAILED', 65, false],
  ['DELEGATION_TOKEN_EXPIRED', 66, false],
  ['INVALID_PRINCIPAL_TYPE', 67, false],
  ['NON_EMPTY_GROUP', 68, false],
  ['GROUP_ID_NOT_FOUND', 69, false],
  ['FETCH_SESSION_ID_NOT_FOUND', 70, true],
  ['INVALID_FETCH_SESSION_EPOCH', 71, true],
  ['LISTENER_NOT_FOUND', 72, true],
  ['TOPIC_DELETION_DISABLED', 73, false],
  ['FENCED_LEADER_EPOCH', 74, true],
  ['UNKNOWN_LEADER_EPOCH', 75, true],
  ['UNSUPPORTED_COMPRESSION_TYPE', 76, false],
  ['STALE_BROKER_EPOCH', 77, false],
  ['OFFSET_NOT_AVAILABLE', 78, true],
  ['MEMBER_ID_REQUIRED', 79, false],
  ['PREFERRED_LEADER_NOT_AVAILABLE', 80, true],
  ['GROUP_MAX_SIZE_REACHED', 81, false],
  ['FENCED_INSTANCE_ID', 82, false],
  ['ELIGIBLE_LEADERS_NOT_AVAILABLE', 83, true],
  ['ELECTION_NOT_NEEDED', 84, true],
  ['NO_REASSIGNMENT_IN_PROGRESS', 85, false],
  ['GROUP_SUBSCRIBED_TO_TOPIC', 86, false],
  ['INVALID_RECORD', 87, false],
  ['UNSTABLE_OFFSET_COMMIT', 88, true],
  ['THROTTLING_QUOTA_EXCEEDED', 89, true],
  ['PRODUCER_FENCED', 90, false],
  ['RESOURCE_NOT_FOUND', 91, false],
  ['DUPLICATE_RESOURCE', 92, false],
  ['UNACCEPTABLE_CREDENTIAL', 93, false],
  ['INCONSISTENT_VOTER_SET', 94, false],
  ['INVALID_UPDATE_VERSION', 95, false],
  ['FEATURE_UPDATE_FAILED', 96, false],
  ['PRINCIPAL_DESERIALIZATION_FAILURE', 97, false],
  ['SNAPSHOT_NOT_FOUND', 98, false],
  ['POSITION_OUT_OF_RANGE', 99, false],
  ['UNKNOWN_TOPIC_ID', 100, true],
  ['DUPLICATE_BROKER_REGISTRATION', 101, false],
  ['BROKER_ID_NOT_REGISTERED', 102, false],
  ['INCONSISTENT_TOPIC_ID', 103, true],
  ['INCONSISTENT_CLUSTER_ID', 104, false],
  ['TRANSACTIONAL_ID_NOT_FOUND', 105, false],
  ['FETCH_SESSION_TOPIC_ID_ERROR', 106, true],
  ['INELIGIBLE_REPLICA', 107, false],
  ['NEW_LEADER_ELECTED', 108, false],
  ['OFFSET_MOVED_TO_TIERED_STORAGE', 109, false],
  ['FENCED_MEMBER_EPOCH', 110, false],
  ['UNRELEASED_INSTANCE_ID', 111, false],
  ['UNSUPPORTED_ASSIGNOR', 112, false],
  ['STALE_MEMBER_EPOCH', 113, false],
  ['MISMATCHED_ENDPOINT_TYPE', 114, false],
  ['UNSUPPORTED_ENDPOINT_TYPE', 115, false],
  ['UNKNOWN_CONTROLLER_ID', 116, false],
  ['UNKNOWN_SUBSCRIPTION_ID', 117, false],
  ['TELEMETRY_TOO_LARGE', 118, false],
  ['INVALID_REGISTRATION', 119, false],
  ['TRANSACTION_ABORTABLE', 120, false],
  ['INVALID_RECORD_STATE', 121, false],
  ['SHARE_SESSION_NOT_FOUND', 122, false],
  ['INVALID_SHARE_SESSION_EPOCH', 123, false],
  ['FENCED_STATE_EPOCH', 124, false],
  ['INVALID_VOTER_KEY', 125, false],
  ['DUPLICATE_VOTER', 126, false],
  ['VOTER_NOT_FOUND', 127, false],
];

export const ERRORS: ReadonlyArray<ErrorInfo> = TABLE.map(([name, code, retriable]) => ({ name, code, retriable }));

const byCode = new Map<number, ErrorInfo>(ERRORS.map((e) => [e.code, e]));
const byName = new Map<string, ErrorInfo>(ERRORS.map((e) => [e.name, e]));

/** The error with this code; unknown codes map to UNKNOWN_SERVER_ERROR's shape with the code kept. */
export function errorForCode(code: number): ErrorInfo {
  return byCode.get(code) ?? { name: `UNKNOWN_ERROR_CODE_${code}`, code, retriable: false };
}

export function errorForName(name: string): ErrorInfo {
  const info = byName.get(name);
  if (info === undefined) throw new Error(`unknown Kafka error name ${name}`);
  return info;
}

export const NONE = 0;

/** Base class of every error that has a Kafka error code. */
export class ApiError extends Error {
  readonly code: number;
  readonly errorName: string;
  readonly retriable: boolean;

  constructor(errorName: string, message?: string) {
    const info = errorForName(errorName);
    super(message ?? errorName);
    this.name = new.target.name;
    this.code = info.code;
    this.errorName = info.name;
    this.retriable = info.retriable;
  }
}

/** The code to put on the wire for any thrown value: ApiError's own code, else UNKNOWN_SERVER_ERROR (-1). */
export function errorCodeOf(err: unknown): number {
  return err instanceof ApiError ? err.code : -1;
}

/** An ApiError instance for a code read off the wire (inter-broker responses). */
export function apiErrorForCode(code: number, message?: string): ApiError {
  const Ctor = classByCode.get(code);
  return Ctor ? new Ctor(message) : new UnknownServerError(message ?? `error code ${code}`);
}

export class UnknownServerError extends ApiError {
  constructor(message?: string) {
    super('UNKNOWN_SERVER_ERROR', message);
  }
}
export class OffsetOutOfRangeError extends ApiError {
  constructor(message?: string) {
    super('OFFSET_OUT_OF_RANGE', message);
  }
}
export class CorruptMessageError extends ApiError {
  constructor(message?: string) {
    super('CORRUPT_MESSAGE', message);
  }
}
export class UnknownTopicOrPartitionError extends ApiError {
  constructor(message?: string) {
    super('UNKNOWN_TOPIC_OR_PARTITION', message);
  }
}
export class InvalidFetchSizeError extends ApiError {
  constructor(message?: string) {
    super('INVALID_FETCH_SIZE', message);
  }
}
export class LeaderNotAvailableError extends ApiError {
  constructor(message?: string) {
    super('LEADER_NOT_AVAILABLE', message);
  }
}
export class NotLeaderOrFollowerError extends ApiError {
  constructor(message?: string) {
    super('NOT_LEADER_OR_FOLLOWER', message);
  }
}
export class RequestTimedOutError extends ApiError {
  constructor(message?: string) {
    super('REQUEST_TIMED_OUT', message);
  }
}
export class BrokerNotAvailableError extends ApiError {
  constructor(message?: string) {
    super('BROKER_NOT_AVAILABLE', message);
  }
}
export class ReplicaNotAvailableError extends ApiError {
  constructor(message?: string) {
    super('REPLICA_NOT_AVAILABLE', message);
  }
}
export class MessageTooLargeError extends ApiError {
  constructor(message?: string) {
    super('MESSAGE_TOO_LARGE', message);
  }
}
export class StaleControllerEpochError extends ApiError {
  constructor(message?: string) {
    super('STALE_CONTROLLER_EPOCH', message);
  }
}
export class OffsetMetadataTooLargeError extends ApiError {
  constructor(message?: string) {
    super('OFFSET_METADATA_TOO_LARGE', message);
  }
}
export class NetworkError extends ApiError {
  constructor(message?: string) {
    super('NETWORK_EXCEPTION', message);
  }
}
export class CoordinatorLoadInProgressError extends ApiError {
  constructor(message?: string) {
    super('COORDINATOR_LOAD_IN_PROGRESS', message);
  }
}
export class CoordinatorNotAvailableError extends ApiError {
  constructor(message?: string) {
    super('COORDINATOR_NOT_AVAILABLE', message);
  }
}
export class NotCoordinatorError extends ApiError {
  constructor(message?: string) {
    super('NOT_COORDINATOR', message);
  }
}
export class InvalidTopicError extends ApiError {
  constructor(message?: string) {
    super('INVALID_TOPIC_EXCEPTION', message);
  }
}
export class RecordListTooLargeError extends ApiError {
  constructor(message?: string) {
    super('RECORD_LIST_TOO_LARGE', message);
  }
}
export class NotEnoughReplicasError extends ApiError {
  constructor(message?: string) {
    super('NOT_ENOUGH_REPLICAS', message);
  }
}
export class NotEnoughReplicasAfterAppendError extends ApiError {
  constructor(message?: string) {
    super('NOT_ENOUGH_REPLICAS_AFTER_APPEND', message);
  }
}
export class InvalidRequiredAcksError extends ApiError {
  constructor(message?: string) {
    super('INVALID_REQUIRED_ACKS', message);
  }
}
export class IllegalGenerationError extends ApiError {
  constructor(message?: string) {
    super('ILLEGAL_GENERATION', message);
  }
}
export class InconsistentGroupProtocolError extends ApiError {
  constructor(message?: string) {
    super('INCONSISTENT_GROUP_PROTOCOL', message);
  }
}
export class InvalidGroupIdError extends ApiError {
  constructor(message?: string) {
    super('INVALID_GROUP_ID', message);
  }
}
export class UnknownMemberIdError extends ApiError {
  constructor(message?: string) {
    super('UNKNOWN_MEMBER_ID', message);
  }
}
export class InvalidSessionTimeoutError extends ApiError {
  constructor(message?: string) {
    super('INVALID_SESSION_TIMEOUT', message);
  }
}
export class RebalanceInProgressError extends ApiError {
  constructor(message?: string) {
    super('REBALANCE_IN_PROGRESS', message);
  }
}
export class InvalidCommitOffsetSizeError extends ApiError {
  constructor(message?: string) {
    super('INVALID_COMMIT_OFFSET_SIZE', message);
  }
}
export class TopicAuthorizationFailedError extends ApiError {
  constructor(message?: string) {
    super('TOPIC_AUTHORIZATION_FAILED', message);
  }
}
export class GroupAuthorizationFailedError extends ApiError {
  constructor(message?: string) {
    super('GROUP_AUTHORIZATION_FAILED', message);
  }
}
export class ClusterAuthorizationFailedError extends ApiError {
  constructor(message?: string) {
    super('CLUSTER_AUTHORIZATION_FAILED', message);
  }
}
export class InvalidTimestampError extends ApiError {
  constructor(message?: string) {
    super('INVALID_TIMESTAMP', message);
  }
}
export class UnsupportedSaslMechanismError extends ApiError {
  constructor(message?: string) {
    super('UNSUPPORTED_SASL_MECHANISM', message);
  }
}
export class IllegalSaslStateError extends ApiError {
  constructor(message?: string) {
    super('ILLEGAL_SASL_STATE', message);
  }
}
export class UnsupportedVersionError extends ApiError {
  constructor(message?: string) {
    super('UNSUPPORTED_VERSION', message);
  }
}
export class TopicAlreadyExistsError extends ApiError {
  constructor(message?: string) {
    super('TOPIC_ALREADY_EXISTS', message);
  }
}
export class InvalidPartitionsError extends ApiError {
  constructor(message?: string) {
    super('INVALID_PARTITIONS', message);
  }
}
export class InvalidReplicationFactorError extends ApiError {
  constructor(message?: string) {
    super('INVALID_REPLICATION_FACTOR', message);
  }
}
export class InvalidReplicaAssignmentError extends ApiError {
  constructor(message?: string) {
    super('INVALID_REPLICA_ASSIGNMENT', message);
  }
}
export class InvalidConfigError extends ApiError {
  constructor(message?: string) {
    super('INVALID_CONFIG', message);
  }
}
export class NotControllerError extends ApiError {
  constructor(message?: string) {
    super('NOT_CONTROLLER', message);
  }
}
export class InvalidRequestError extends ApiError {
  constructor(message?: string) {
    super('INVALID_REQUEST', message);
  }
}
export class UnsupportedForMessageFormatError extends ApiError {
  constructor(message?: string) {
    super('UNSUPPORTED_FOR_MESSAGE_FORMAT', message);
  }
}
export class PolicyViolationError extends ApiError {
  constructor(message?: string) {
    super('POLICY_VIOLATION', message);
  }
}
export class OutOfOrderSequenceNumberError extends ApiError {
  constructor(message?: string) {
    super('OUT_OF_ORDER_SEQUENCE_NUMBER', message);
  }
}
export class DuplicateSequenceNumberError extends ApiError {
  constructor(message?: string) {
    super('DUPLICATE_SEQUENCE_NUMBER', message);
  }
}
export class InvalidProducerEpochError extends ApiError {
  constructor(message?: string) {
    super('INVALID_PRODUCER_EPOCH', message);
  }
}
export class InvalidTxnStateError extends ApiError {
  constructor(message?: string) {
    super('INVALID_TXN_STATE', message);
  }
}
export class InvalidProducerIdMappingError extends ApiError {
  constructor(message?: string) {
    super('INVALID_PRODUCER_ID_MAPPING', message);
  }
}
export class InvalidTransactionTimeoutError extends ApiError {
  constructor(message?: string) {
    super('INVALID_TRANSACTION_TIMEOUT', message);
  }
}
export class ConcurrentTransactionsError extends ApiError {
  constructor(message?: string) {
    super('CONCURRENT_TRANSACTIONS', message);
  }
}
export class TransactionCoordinatorFencedError extends ApiError {
  constructor(message?: string) {
    super('TRANSACTION_COORDINATOR_FENCED', message);
  }
}
export class TransactionalIdAuthorizationFailedError extends ApiError {
  constructor(message?: string) {
    super('TRANSACTIONAL_ID_AUTHORIZATION_FAILED', message);
  }
}
export class SecurityDisabledError extends ApiError {
  constructor(message?: string) {
    super('SECURITY_DISABLED', message);
  }
}
export class OperationNotAttemptedError extends ApiError {
  constructor(message?: string) {
    super('OPERATION_NOT_ATTEMPTED', message);
  }
}
export class KafkaStorageError extends ApiError {
  constructor(message?: string) {
    super('KAFKA_STORAGE_ERROR', message);
  }
}
export class LogDirNotFoundError extends ApiError {
  constructor(message?: string) {
    super('LOG_DIR_NOT_FOUND', message);
  }
}
export class SaslAuthenticationFailedError extends ApiError {
  constructor(message?: string) {
    super('SASL_AUTHENTICATION_FAILED', message);
  }
}
export class UnknownProducerIdError extends ApiError {
  constructor(message?: string) {
    super('UNKNOWN_PRODUCER_ID', message);
  }
}
export class ReassignmentInProgressError extends ApiError {
  constructor(message?: string) {
    super('REASSIGNMENT_IN_PROGRESS', message);
  }
}
export class DelegationTokenAuthDisabledError extends ApiError {
  constructor(message?: string) {
    super('DELEGATION_TOKEN_AUTH_DISABLED', message);
  }
}
export class DelegationTokenNotFoundError extends ApiError {
  constructor(message?: string) {
    super('DELEGATION_TOKEN_NOT_FOUND', message);
  }
}
export class DelegationTokenOwnerMismatchError extends ApiError {
  constructor(message?: string) {
    super('DELEGATION_TOKEN_OWNER_MISMATCH', message);
  }
}
export class DelegationTokenRequestNotAllowedError extends ApiError {
  constructor(message?: string) {
    super('DELEGATION_TOKEN_REQUEST_NOT_ALLOWED', message);
  }
}
export class DelegationTokenAuthorizationFailedError extends ApiError {
  constructor(message?: string) {
    super('DELEGATION_TOKEN_AUTHORIZATION_FAILED', message);
  }
}
export class DelegationTokenExpiredError extends ApiError {
  constructor(message?: string) {
    super('DELEGATION_TOKEN_EXPIRED', message);
  }
}
export class InvalidPrincipalTypeError extends ApiError {
  constructor(message?: string) {
    super('INVALID_PRINCIPAL_TYPE', message);
  }
}
export class NonEmptyGroupError extends ApiError {
  constructor(message?: string) {
    super('NON_EMPTY_GROUP', message);
  }
}
export class GroupIdNotFoundError extends ApiError {
  constructor(message?: string) {
    super('GROUP_ID_NOT_FOUND', message);
  }
}
export class FetchSessionIdNotFoundError extends ApiError {
  constructor(message?: string) {
    super('FETCH_SESSION_ID_NOT_FOUND', message);
  }
}
export class InvalidFetchSessionEpochError extends ApiError {
  constructor(message?: string) {
    super('INVALID_FETCH_SESSION_EPOCH', message);
  }
}
export class ListenerNotFoundError extends ApiError {
  constructor(message?: string) {
    super('LISTENER_NOT_FOUND', message);
  }
}
export class TopicDeletionDisabledError extends ApiError {
  constructor(message?: string) {
    super('TOPIC_DELETION_DISABLED', message);
  }
}
export class FencedLeaderEpochError extends ApiError {
  constructor(message?: string) {
    super('FENCED_LEADER_EPOCH', message);
  }
}
export class UnknownLeaderEpochError extends ApiError {
  constructor(message?: string) {
    super('UNKNOWN_LEADER_EPOCH', message);
  }
}
export class UnsupportedCompressionTypeError extends ApiError {
  constructor(message?: string) {
    super('UNSUPPORTED_COMPRESSION_TYPE', message);
  }
}
export class StaleBrokerEpochError extends ApiError {
  constructor(message?: string) {
    super('STALE_BROKER_EPOCH', message);
  }
}
export class OffsetNotAvailableError extends ApiError {
  constructor(message?: string) {
    super('OFFSET_NOT_AVAILABLE', message);
  }
}
export class MemberIdRequiredError extends ApiError {
  constructor(message?: string) {
    super('MEMBER_ID_REQUIRED', message);
  }
}
export class PreferredLeaderNotAvailableError extends ApiError {
  constructor(message?: string) {
    super('PREFERRED_LEADER_NOT_AVAILABLE', message);
  }
}
export class GroupMaxSizeReachedError extends ApiError {
  constructor(message?: string) {
    super('GROUP_MAX_SIZE_REACHED', message);
  }
}
export class FencedInstanceIdError extends ApiError {
  constructor(message?: string) {
    super('FENCED_INSTANCE_ID', message);
  }
}
export class EligibleLeadersNotAvailableError extends ApiError {
  constructor(message?: string) {
    super('ELIGIBLE_LEADERS_NOT_AVAILABLE', message);
  }
}
export class ElectionNotNeededError extends ApiError {
  constructor(message?: string) {
    super('ELECTION_NOT_NEEDED', message);
  }
}
export class NoReassignmentInProgressError extends ApiError {
  constructor(message?: string) {
    super('NO_REASSIGNMENT_IN_PROGRESS', message);
  }
}
export class GroupSubscribedToTopicError extends ApiError {
  constructor(message?: string) {
    super('GROUP_SUBSCRIBED_TO_TOPIC', message);
  }
}
export class InvalidRecordError extends ApiError {
  constructor(message?: string) {
    super('INVALID_RECORD', message);
  }
}
export class UnstableOffsetCommitError extends ApiError {
  constructor(message?: string) {
    super('UNSTABLE_OFFSET_COMMIT', message);
  }
}
export class ThrottlingQuotaExceededError extends ApiError {
  constructor(message?: string) {
    super('THROTTLING_QUOTA_EXCEEDED', message);
  }
}
export class ProducerFencedError extends ApiError {
  constructor(message?: string) {
    super('PRODUCER_FENCED', message);
  }
}
export class ResourceNotFoundError extends ApiError {
  constructor(message?: string) {
    super('RESOURCE_NOT_FOUND', message);
  }
}
export class DuplicateResourceError extends ApiError {
  constructor(message?: string) {
    super('DUPLICATE_RESOURCE', message);
  }
}
export class UnacceptableCredentialError extends ApiError {
  constructor(message?: string) {
    super('UNACCEPTABLE_CREDENTIAL', message);
  }
}
export class InconsistentVoterSetError extends ApiError {
  constructor(message?: string) {
    super('INCONSISTENT_VOTER_SET', message);
  }
}
export class InvalidUpdateVersionError extends ApiError {
  constructor(message?: string) {
    super('INVALID_UPDATE_VERSION', message);
  }
}
export class FeatureUpdateFailedError extends ApiError {
  constructor(message?: string) {
    super('FEATURE_UPDATE_FAILED', message);
  }
}
export class PrincipalDeserializationFailureError extends ApiError {
  constructor(message?: string) {
    super('PRINCIPAL_DESERIALIZATION_FAILURE', message);
  }
}
export class SnapshotNotFoundError extends ApiError {
  constructor(message?: string) {
    super('SNAPSHOT_NOT_FOUND', message);
  }
}
export class PositionOutOfRangeError extends ApiError {
  constructor(message?: string) {
    super('POSITION_OUT_OF_RANGE', message);
  }
}
export class UnknownTopicIdError extends ApiError {
  constructor(message?: string) {
    super('UNKNOWN_TOPIC_ID', message);
  }
}
export class DuplicateBrokerRegistrationError extends ApiError {
  constructor(message?: string) {
    super('DUPLICATE_BROKER_REGISTRATION', message);
  }
}
export class BrokerIdNotRegisteredError extends ApiError {
  constructor(message?: string) {
    super('BROKER_ID_NOT_REGISTERED', message);
  }
}
export class InconsistentTopicIdError extends ApiError {
  constructor(message?: string) {
    super('INCONSISTENT_TOPIC_ID', message);
  }
}
export class InconsistentClusterIdError extends ApiError {
  constructor(message?: string) {
    super('INCONSISTENT_CLUSTER_ID', message);
  }
}
export class TransactionalIdNotFoundError extends ApiError {
  constructor(message?: string) {
    super('TRANSACTIONAL_ID_NOT_FOUND', message);
  }
}
export class FetchSessionTopicIdError extends ApiError {
  constructor(message?: string) {
    super('FETCH_SESSION_TOPIC_ID_ERROR', message);
  }
}
export class IneligibleReplicaError extends ApiError {
  constructor(message?: string) {
    super('INELIGIBLE_REPLICA', message);
  }
}
export class NewLeaderElectedError extends ApiError {
  constructor(message?: string) {
    super('NEW_LEADER_ELECTED', message);
  }
}
export class OffsetMovedToTieredStorageError extends ApiError {
  constructor(message?: string) {
    super('OFFSET_MOVED_TO_TIERED_STORAGE', message);
  }
}
export class FencedMemberEpochError extends ApiError {
  constructor(message?: string) {
    super('FENCED_MEMBER_EPOCH', message);
  }
}
export class UnreleasedInstanceIdError extends ApiError {
  constructor(message?: string) {
    super('UNRELEASED_INSTANCE_ID', message);
  }
}
export class UnsupportedAssignorError extends ApiError {
  constructor(message?: string) {
    super('UNSUPPORTED_ASSIGNOR', message);
  }
}
export class StaleMemberEpochError extends ApiError {
  constructor(message?: string) {
    super('STALE_MEMBER_EPOCH', message);
  }
}
export class MismatchedEndpointTypeError extends ApiError {
  constructor(message?: string) {
    super('MISMATCHED_ENDPOINT_TYPE', message);
  }
}
export class UnsupportedEndpointTypeError extends ApiError {
  constructor(message?: string) {
    super('UNSUPPORTED_ENDPOINT_TYPE', message);
  }
}
export class UnknownControllerIdError extends ApiError {
  constructor(message?: string) {
    super('UNKNOWN_CONTROLLER_ID', message);
  }
}
export class UnknownSubscriptionIdError extends ApiError {
  constructor(message?: string) {
    super('UNKNOWN_SUBSCRIPTION_ID', message);
  }
}
export class TelemetryTooLargeError extends ApiError {
  constructor(message?: string) {
    super('TELEMETRY_TOO_LARGE', message);
  }
}
export class InvalidRegistrationError extends ApiError {
  constructor(message?: string) {
    super('INVALID_REGISTRATION', message);
  }
}
export class TransactionAbortableError extends ApiError {
  constructor(message?: string) {
    super('TRANSACTION_ABORTABLE', message);
  }
}
export class InvalidRecordStateError extends ApiError {
  constructor(message?: string) {
    super('INVALID_RECORD_STATE', message);
  }
}
export class ShareSessionNotFoundError extends ApiError {
  constructor(message?: string) {
    super('SHARE_SESSION_NOT_FOUND', message);
  }
}
export class InvalidShareSessionEpochError extends ApiError {
  constructor(message?: string) {
    super('INVALID_SHARE_SESSION_EPOCH', message);
  }
}
export class FencedStateEpochError extends ApiError {
  constructor(message?: string) {
    super('FENCED_STATE_EPOCH', message);
  }
}
export class InvalidVoterKeyError extends ApiError {
  constructor(message?: string) {
    super('INVALID_VOTER_KEY', message);
  }
}
export class DuplicateVoterError extends ApiError {
  constructor(message?: string) {
    super('DUPLICATE_VOTER', message);
  }
}
export class VoterNotFoundError extends ApiError {
  constructor(message?: string) {
    super('VOTER_NOT_FOUND', message);
  }
}

const classByCode = new Map<number, new (message?: string) => ApiError>(
  [
    UnknownServerError,
    OffsetOutOfRangeError,
    CorruptMessageError,
    UnknownTopicOrPartitionError,
    InvalidFetchSizeError,
    LeaderNotAvailableError,
    NotLeaderOrFollowerError,
    RequestTimedOutError,
    BrokerNotAvailableError,
    ReplicaNotAvailableError,
    MessageTooLargeError,
    StaleControllerEpochError,
    OffsetMetadataTooLargeError,
    NetworkError,
    CoordinatorLoadInProgressError,
    CoordinatorNotAvailableError,
    NotCoordinatorError,
    InvalidTopicError,
    RecordListTooLargeError,
    NotEnoughReplicasError,
    NotEnoughReplicasAfterAppendError,
    InvalidRequiredAcksError,
    IllegalGenerationError,
    InconsistentGroupProtocolError,
    InvalidGroupIdError,
    UnknownMemberIdError,
    InvalidSessionTimeoutError,
    RebalanceInProgressError,
    InvalidCommitOffsetSizeError,
    TopicAuthorizationFailedError,
    GroupAuthorizationFailedError,
    ClusterAuthorizationFailedError,
    InvalidTimestampError,
    UnsupportedSaslMechanismError,
    IllegalSaslStateError,
    UnsupportedVersionError,
    TopicAlreadyExistsError,
    InvalidPartitionsError,
    InvalidReplicationFactorError,
    InvalidReplicaAssignmentError,
    InvalidConfigError,
    NotControllerError,
    InvalidRequestError,
    UnsupportedForMessageFormatError,
    PolicyViolationError,
    OutOfOrderSequenceNumberError,
    DuplicateSequenceNumberError,
    InvalidProducerEpochError,
    InvalidTxnStateError,
    InvalidProducerIdMappingError,
    InvalidTransactionTimeoutError,
    ConcurrentTransactionsError,
    TransactionCoordinatorFencedError,
    TransactionalIdAuthorizationFailedError,
    SecurityDisabledError,
    OperationNotAttemptedError,
    KafkaStorageError,
    LogDirNotFoundError,
    SaslAuthenticationFailedError,
    UnknownProducerIdError,
    ReassignmentInProgressError,
    DelegationTokenAuthDisabledError,
    DelegationTokenNotFoundError,
    DelegationTokenOwnerMismatchError,
    DelegationTokenRequestNotAllowedError,
    DelegationTokenAuthorizationFailedError,
    DelegationTokenExpiredError,
    InvalidPrincipalTypeError,
    NonEmptyGroupError,
    GroupIdNotFoundError,
    FetchSessionIdNotFoundError,
    InvalidFetchSessionEpochError,
    ListenerNotFoundError,
    TopicDeletionDisabledError,
    FencedLeaderEpochError,
    UnknownLeaderEpochError,
    UnsupportedCompressionTypeError,
    StaleBrokerEpochError,
    OffsetNotAvailableError,
    MemberIdRequiredError,
    PreferredLeaderNotAvailableError,
    GroupMaxSizeReachedError,
    FencedInstanceIdError,
    EligibleLeadersNotAvailableError,
    ElectionNotNeededError,
    NoReassignmentInProgressError,
    GroupSubscribedToTopicError,
    InvalidRecordError,
    UnstableOffsetCommitError,
    ThrottlingQuotaExceededError,
    ProducerFencedError,
    ResourceNotFoundError,
    DuplicateResourceError,
    UnacceptableCredentialError,
    InconsistentVoterSetError,
    InvalidUpdateVersionError,
    FeatureUpdateFailedError,
    PrincipalDeserializationFailureError,
    SnapshotNotFoundError,
    PositionOutOfRangeError,
    UnknownTopicIdError,
    DuplicateBrokerRegistrationError,
    BrokerIdNotRegisteredError,
    InconsistentTopicIdError,
    InconsistentClusterIdError,
    TransactionalIdNotFoundError,
    FetchSessionTopicIdError,
    IneligibleReplicaError,
    NewLeaderElectedError,
    OffsetMovedToTieredStorageError,
    FencedMemberEpochError,
    UnreleasedInstanceIdError,
    UnsupportedAssignorError,
    StaleMemberEpochError,
    MismatchedEndpointTypeError,
    UnsupportedEndpointTypeError,
    UnknownControllerIdError,
    UnknownSubscriptionIdError,
    TelemetryTooLargeError,
    InvalidRegistrationError,
    TransactionAbortableError,
    InvalidRecordStateError,
    ShareSessionNotFoundError,
    InvalidShareSessionEpochError,
    FencedStateEpochError,
    InvalidVoterKeyError,
    DuplicateVoterError,
    VoterNotFoundError,
  ].map((Ctor) => [new Ctor().code, Ctor]),
);
