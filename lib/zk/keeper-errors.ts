/**
 * Typed ZooKeeper errors, mapped from ZooKeeper's result codes (org.apache.zookeeper.KeeperException.Code,
 * the same numbers node-zookeeper-client's `Exception` carries), plus the client-side conditions of
 * Kafka's ZooKeeperClient (ZooKeeperClientTimeoutException, ZooKeeperClientExpiredException) and
 * Kafka's ControllerMovedException. Callers use `instanceof`, never the message text.
 */
import { StaleControllerEpochError } from '../protocol/errors.js';

/** ZooKeeper result codes (KeeperException.Code). */
export const KeeperCode = {
  OK: 0,
  SYSTEM_ERROR: -1,
  RUNTIME_INCONSISTENCY: -2,
  DATA_INCONSISTENCY: -3,
  CONNECTION_LOSS: -4,
  MARSHALLING_ERROR: -5,
  UNIMPLEMENTED: -6,
  OPERATION_TIMEOUT: -7,
  BAD_ARGUMENTS: -8,
  API_ERROR: -100,
  NO_NODE: -101,
  NO_AUTH: -102,
  BAD_VERSION: -103,
  NO_CHILDREN_FOR_EPHEMERALS: -108,
  NODE_EXISTS: -110,
  NOT_EMPTY: -111,
  SESSION_EXPIRED: -112,
  INVALID_CALLBACK: -113,
  INVALID_ACL: -114,
  AUTH_FAILED: -115,
  SESSION_MOVED: -118,
} as const;

/** Base class: a ZooKeeper operation failed with `code` (KeeperException). */
export class KeeperError extends Error {
  readonly code: number;
  readonly path: string | undefined;
  /** For a failed multi(): index of the operation that failed. */
  opIndex: number | undefined;

  constructor(code: number, path?: string, message?: string) {
    super(message ?? `ZooKeeper error ${code}${path !== undefined ? ` for ${path}` : ''}`);
    this.name = new.target.name;
    this.code = code;
    this.path = path;
  }
}

/** NONODE: the znode (or a parent of it) does not exist. */
export class NoNodeError extends KeeperError {
  constructor(path?: string) {
    super(KeeperCode.NO_NODE, path, `NoNode for ${path ?? '?'}`);
  }
}
/** NODEEXISTS: create() of a znode that already exists. */
export class NodeExistsError extends KeeperError {
  constructor(path?: string) {
    super(KeeperCode.NODE_EXISTS, path, `NodeExists for ${path ?? '?'}`);
  }
}
/** BADVERSION: the expected zkVersion did not match. */
export class BadVersionError extends KeeperError {
  constructor(path?: string) {
    super(KeeperCode.BAD_VERSION, path, `BadVersion for ${path ?? '?'}`);
  }
}
/** NOTEMPTY: delete() of a znode that has children. */
export class NotEmptyError extends KeeperError {
  constructor(path?: string) {
    super(KeeperCode.NOT_EMPTY, path, `NotEmpty for ${path ?? '?'}`);
  }
}
/** SESSIONEXPIRED: the session ended; its ephemerals and watches are gone. */
export class SessionExpiredError extends KeeperError {
  constructor(path?: string) {
    super(KeeperCode.SESSION_EXPIRED, path, `Session expired${path !== undefined ? ` (${path})` : ''}`);
  }
}
/** CONNECTIONLOSS: the connection broke before the answer arrived (the op may or may not have happened). */
export class ConnectionLossError extends KeeperError {
  constructor(path?: string) {
    super(KeeperCode.CONNECTION_LOSS, path, `Connection loss${path !== undefined ? ` (${path})` : ''}`);
  }
}
/** NOAUTH: ACLs forbid the operation. */
export class NoAuthError extends KeeperError {
  constructor(path?: string) {
    super(KeeperCode.NO_AUTH, path, `NoAuth for ${path ?? '?'}`);
  }
}
/** NOCHILDRENFOREPHEMERALS: create() under an ephemeral znode. */
export class NoChildrenForEphemeralsError extends KeeperError {
  constructor(path?: string) {
    super(KeeperCode.NO_CHILDREN_FOR_EPHEMERALS, path, `NoChildrenForEphemerals for ${path ?? '?'}`);
  }
}

/** The typed error for a ZooKeeper result code. */
export function keeperErrorForCode(code: number, path?: string): KeeperError {
  switch (code) {
    case KeeperCode.NO_NODE:
      return new NoNodeError(path);
    case KeeperCode.NODE_EXISTS:
      return new NodeExistsError(path);
    case KeeperCode.BAD_VERSION:
      return new BadVersionError(path);
    case KeeperCode.NOT_EMPTY:
      return new NotEmptyError(path);
    case KeeperCode.SESSION_EXPIRED:
      return new SessionExpiredError(path);
    case KeeperCode.CONNECTION_LOSS:
      return new ConnectionLossError(path);
    case KeeperCode.NO_AUTH:
      return new NoAuthError(path);
    case KeeperCode.NO_CHILDREN_FOR_EPHEMERALS:
      return new NoChildrenForEphemeralsError(path);
    default:
      return new KeeperError(code, path);
  }
}

/** Kafka's ZooKeeperClientTimeoutException: no connection within zookeeper.connection.timeout.ms. */
export class ZooKeeperClientTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZooKeeperClientTimeoutError';
  }
}

/** The client was closed; no further operations are possible. */
export class ZooKeeperClientClosedError extends Error {
  constructor(message = 'ZooKeeperClient is closed') {
    super(message);
    this.name = 'ZooKeeperClientClosedError';
  }
}

/**
 * Kafka's ControllerMovedException (wire error STALE_CONTROLLER_EPOCH): the `/controller_epoch`
 * check of a fenced write failed, or another broker won the controller election.
 */
export class ControllerMovedError extends StaleControllerEpochError {}
