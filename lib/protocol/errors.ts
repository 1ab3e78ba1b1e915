/**
 * Kafka's error codes (org.apache.kafka.common.protocol.Errors, 3.9): the generated `Errors` table
 * (name, code, retriable, message; one constant per error, `Errors.NOT_LEADER_OR_FOLLOWER.code`) and
 * one ApiError subclass per code. Deep layers throw these; handlers map them to the code on the wire.
 * Never match on message text: use `instanceof` or `.code`.
 */
import { ApiError, type ErrorInfo } from './api-error.js';
import { ERROR_CLASSES, Errors, UnknownServerError } from './generated/errors.js';

export { ApiError, type ErrorInfo } from './api-error.js';
export * from './generated/errors.js';

/** Every error of the table, in code order. */
export const ERRORS: ReadonlyArray<ErrorInfo> = Object.values(Errors);

const byCode = new Map<number, ErrorInfo>(ERRORS.map((e) => [e.code, e]));

/** The error with this code; an unknown code keeps its number under a made-up name. */
export function errorForCode(code: number): ErrorInfo {
  return byCode.get(code) ?? { name: `UNKNOWN_ERROR_CODE_${code}`, code, retriable: false, message: null };
}

/** The code to put on the wire for any thrown value: ApiError's own code, else UNKNOWN_SERVER_ERROR. */
export function errorCodeOf(err: unknown): number {
  return err instanceof ApiError ? err.code : Errors.UNKNOWN_SERVER_ERROR.code;
}

/** An ApiError instance for a code read off the wire (inter-broker responses). */
export function apiErrorForCode(code: number, message?: string): ApiError {
  const Ctor = ERROR_CLASSES.get(code);
  return Ctor ? new Ctor(message) : new UnknownServerError(message ?? `error code ${code}`);
}
