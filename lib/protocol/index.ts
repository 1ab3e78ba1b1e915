/**
 * kafkats protocol layer: no I/O, just bytes ⇄ typed values, for every API and version of Kafka 3.9.
 *
 * Server (network layer) path, per frame (the bytes after the int32 size prefix):
 *   const { header, bodyOffset } = decodeRequestHeader(frame);   // any version of a known key
 *   // unknown api key → InvalidRequestError (close the connection, as Kafka does);
 *   // ApiVersions with an unsupported version: answer v0 with UNSUPPORTED_VERSION (server's job).
 *   const body = decodeRequestBody(header, frame, bodyOffset);    // UnsupportedVersionError / MessageDecodeError
 *   ... handler builds a response value (missing fields = defaults, see Input<T>) ...
 *   socket.cork(); for (const b of encodeResponse(apiKey, apiVersion, correlationId, value)) socket.write(b); socket.uncork();
 * `decodeRequest(frame)` does both steps and returns { apiKey, apiVersion, header, body } where
 * `apiKey` narrows `body` to the generated type (ProduceRequest, FetchRequest …).
 *
 * Client (inter-broker) path: `encodeRequest(header, body)` → Buffer with size prefix;
 * `decodeResponse(apiKey, apiVersion, frame)` → { correlationId, body }.
 *
 * Internal topics: `encodeVersionPrefixed('OffsetCommitValue', 3, v)` / `decodeVersionPrefixed(name | (v) => name, buf)`;
 * plain bodies: `encodeData(name, version, value)` / `decodeData(name, version, buf)`.
 *
 * Values: camelCase keys of Kafka's field names; int64 = bigint; uuid = base64url string (22 chars,
 * ZERO_UUID for none); bytes = Buffer (copied on read); records = zero-copy Buffer view or null.
 * Errors: every decode failure is an ApiError (MessageDecodeError extends InvalidRequestError,
 * UnsupportedVersionError, InvalidRequestError for unknown keys); encode failures throw
 * MessageEncodeError (extends UnknownServerError) or UnsupportedVersionError.
 * Limits: every length is checked against the remaining bytes before allocation, and against
 * DecodeLimits (maxArrayLength, maxBytesLength) passed to the decoders.
 */
export { ApiKeys, ALL_API_KEYS, apiKeyName, apiMessageType, isApiKey, requestHeaderVersion, responseHeaderVersion } from './api-keys.js';
export type { ApiKey, ApiMessageType } from './api-keys.js';
export { decodeRequestHeader, peekRequestHeader } from './request-header.js';
export type { DecodedRequestHeader, RequestHeader } from './request-header.js';
export {
  decodeData,
  decodeRequest,
  decodeRequestBody,
  decodeResponse,
  decodeVersionPrefixed,
  encodeData,
  encodeRequest,
  encodeResponse,
  encodeResponseBuffer,
  encodeVersionPrefixed,
  readVersionPrefix,
} from './frames.js';
export type { DataName, DecodedRequest, Input, MessageName, RequestApiKey, RequestHeaderInput } from './frames.js';
export { defaultMessage, fieldKey, keepsViews, messageCodec, messageSpec, readMessage, writeMessage } from './codec.js';
export type { StructCodec } from './codec.js';
export { DEFAULT_DECODE_LIMITS, MessageDecodeError, MessageEncodeError, Reader, ZERO_UUID } from './reader.js';
export type { DecodeLimits } from './reader.js';
export { Writer, ZERO_COPY_THRESHOLD } from './writer.js';
export { MAX_VERSION, inRange, parseVersions } from './schema.js';
export type { FieldSpec, MessageKind, MessageSpec, VersionRange } from './schema.js';
export { MESSAGE_SPECS } from './generated/descriptors.js';
export type * from './generated/types.js';
