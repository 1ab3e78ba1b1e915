/**
 * Kafka's org.apache.kafka.server.authorizer API, the part a ZooKeeper-mode broker uses: an
 * Authorizer decides Actions (an operation on a literal resource) for a request's principal and
 * client address, and stores ACLs (CreateAcls / DeleteAcls / DescribeAcls).
 */
import type { KafkaPrincipal } from '../../common/kafka-principal.js';
import type { AclBinding, AclBindingFilter } from '../../common/acl.js';
import type { ResourcePattern } from '../../common/resource.js';

export type AuthorizationResult = 'ALLOWED' | 'DENIED';

/** AuthorizableRequestContext: who asks, from where, in which request (for decisions and the audit log). */
export interface AuthorizableRequestContext {
  readonly principal: KafkaPrincipal;
  /** The client's address as InetAddress.getHostAddress writes it (what ACL hosts are compared with). */
  readonly clientAddress: string;
  readonly listenerName: string;
  readonly requestType: number;
  readonly requestVersion: number;
  readonly clientId: string;
  readonly correlationId: number;
}

/** Action: an operation on a literal resource; the log flags say whether the outcome is audit-worthy. */
export interface Action {
  readonly operation: number;
  readonly resourcePattern: ResourcePattern;
  readonly resourceReferenceCount: number;
  readonly logIfAllowed: boolean;
  readonly logIfDenied: boolean;
}

/** An error of one creation or deletion, as it goes on the wire (ApiError.fromThrowable). */
export interface AclError {
  readonly errorCode: number;
  readonly errorMessage: string | null;
}

/** AclCreateResult: null error = created. */
export interface AclCreateResult {
  readonly error: AclError | null;
}

/** AclDeleteResult: the bindings one filter deleted (each with its own error), or the filter's error. */
export interface AclDeleteResult {
  readonly error: AclError | null;
  readonly aclBindingDeleteResults: ReadonlyArray<{ readonly binding: AclBinding; readonly error: AclError | null }>;
}

export interface Authorizer {
  /** Loads the ACLs and starts following their changes; resolves when requests may be authorized. */
  start(): Promise<void>;
  authorize(ctx: AuthorizableRequestContext, actions: readonly Action[]): AuthorizationResult[];
  authorizeByResourceType(ctx: AuthorizableRequestContext, operation: number, resourceType: number): AuthorizationResult;
  createAcls(ctx: AuthorizableRequestContext, bindings: readonly AclBinding[]): Promise<AclCreateResult[]>;
  deleteAcls(ctx: AuthorizableRequestContext, filters: readonly AclBindingFilter[]): Promise<AclDeleteResult[]>;
  acls(filter: AclBindingFilter): AclBinding[];
  close(): Promise<void>;
}
