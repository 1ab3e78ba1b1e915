/**
 * Log-layer exceptions that are not wire errors (Kafka's InvalidOffsetException,
 * CorruptIndexException, LogSegmentOffsetOverflowException). They surface as
 * UNKNOWN_SERVER_ERROR if they ever reach a handler; recovery catches them by class.
 */
export class InvalidOffsetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidOffsetError';
  }
}

export class CorruptIndexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorruptIndexError';
  }
}

export class LogSegmentOffsetOverflowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogSegmentOffsetOverflowError';
  }
}

/** A follower append whose offsets do not continue the log (Kafka's UnexpectedAppendOffsetException). */
export class UnexpectedAppendOffsetError extends Error {
  constructor(
    message: string,
    readonly firstOffset: bigint,
    readonly lastOffset: bigint,
  ) {
    super(message);
    this.name = 'UnexpectedAppendOffsetError';
  }
}

/** meta.properties names another broker (Kafka's InconsistentBrokerIdException). */
export class InconsistentBrokerIdError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InconsistentBrokerIdError';
  }
}
