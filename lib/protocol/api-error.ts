/**
 * The base of kafkats' typed errors: every error with a Kafka error code is an ApiError carrying
 * the entry of the generated `Errors` table (generated/errors.ts holds one subclass per code).
 */

/** One entry of Kafka's error table. */
export interface ErrorInfo {
  readonly name: string;
  readonly code: number;
  readonly retriable: boolean;
  /** kafkats' default text for the error; null for NONE. */
  readonly message: string | null;
}

/** Base class of every error that has a Kafka error code. */
export class ApiError extends Error {
  readonly code: number;
  readonly errorName: string;
  readonly retriable: boolean;

  constructor(info: ErrorInfo, message?: string) {
    super(message ?? info.message ?? info.name);
    this.name = new.target.name;
    this.code = info.code;
    this.errorName = info.name;
    this.retriable = info.retriable;
  }
}
