/**
 * Whole requests and responses (header + body) and the data schemas stored in internal topics.
 * A "frame" is the bytes after the int32 size prefix; the encoders return the size prefix too.
 * Responses are returned as a list of Buffers for `writev`: large `records` blobs (fetch path) are
 * included by reference, never copied.
 */
import { apiMessageType, responseHeaderVersion, requestHeaderVersion } from './api-keys.js';
import { readMessage, writeMessage, messageCodec } from './codec.js';
import { UnsupportedVersionError } from './errors.js';
import { DEFAULT_DECODE_LIMITS, MessageDecodeError, Reader, type DecodeLimits } from './reader.js';
import { decodeRequestHeader, type RequestHeader } from './request-header.js';
import { Writer } from './writer.js';
import type { DataTypes, MessageTypes, RequestBodies, ResponseBodies } from './generated/types.js';

/**
 * What an encoder accepts for a message type T: every field optional at every level (a missing field
 * is written as its default), arrays of such values.
 */
export type Input<T> = T extends Buffer | bigint | string | number | boolean | null | undefined
  ? T
  : T extends ReadonlyArray<infer U>
    ? ReadonlyArray<Input<U>>
    : { [K in keyof T]?: Input<T[K]> };

export type RequestApiKey = keyof RequestBodies;

/** A decoded request; `apiKey` discriminates the body type. */
export type DecodedRequest = {
  [K in RequestApiKey]: { apiKey: K; apiVersion: number; header: RequestHeader; headerVersion: number; body: RequestBodies[K] };
}[RequestApiKey];

export interface RequestHeaderInput<K extends RequestApiKey = RequestApiKey> {
  requestApiKey: K;
  requestApiVersion: number;
  correlationId: number;
  clientId?: string | null;
}

const requestName = (apiKey: number): string => apiMessageType(apiKey).requestSpec.name;
const responseName = (apiKey: number): string => apiMessageType(apiKey).responseSpec.name;

/**
 * Decodes a request frame: header then body. Unknown api key → InvalidRequestError; version outside
 * validVersions → UnsupportedVersionError; malformed → MessageDecodeError. `records` fields are views
 * of `frame`.
 */
export function decodeRequest(frame: Buffer, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): DecodedRequest {
  const { header, headerVersion, bodyOffset } = decodeRequestHeader(frame, limits);
  const body = decodeRequestBody(header, frame, bodyOffset, limits);
  return { apiKey: header.requestApiKey, apiVersion: header.requestApiVersion, header, headerVersion, body } as DecodedRequest;
}

/** Decodes the body of a request whose header was read with decodeRequestHeader. */
export function decodeRequestBody(header: RequestHeader, frame: Buffer, bodyOffset: number, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): RequestBodies[RequestApiKey] {
  const r = new Reader(frame, bodyOffset, frame.length, limits);
  return readMessage(r, requestName(header.requestApiKey), header.requestApiVersion) as unknown as RequestBodies[RequestApiKey];
}

/** Encodes a request with its int32 size prefix (header version chosen from api key and version). */
export function encodeRequest<K extends RequestApiKey>(header: RequestHeaderInput<K>, body: Input<RequestBodies[K]>): Buffer {
  const { requestApiKey: apiKey, requestApiVersion: version } = header;
  const name = requestName(apiKey);
  messageCodec(name, version); // UnsupportedVersionError before writing anything
  const w = new Writer();
  w.int32(0);
  writeMessage(w, 'RequestHeader', requestHeaderVersion(apiKey, version), { clientId: null, ...header });
  writeMessage(w, name, version, body as object);
  const size = w.length - 4;
  w.patchInt32(0, size);
  return w.toBuffer();
}

/**
 * Encodes a response (size prefix + header + body) as chunks for `socket.writev`/cork: `records`
 * Buffers of 4 KiB or more are separate chunks referencing the caller's memory (zero copy), so
 * they must not be modified until written.
 */
export function encodeResponse<K extends RequestApiKey>(apiKey: K, apiVersion: number, correlationId: number, body: Input<ResponseBodies[K]>): Buffer[] {
  const name = responseName(apiKey);
  messageCodec(name, apiVersion);
  const w = new Writer();
  w.int32(0);
  writeMessage(w, 'ResponseHeader', responseHeaderVersion(apiKey, apiVersion), { correlationId });
  writeMessage(w, name, apiVersion, body as object);
  w.patchInt32(0, w.length - 4);
  return w.toBuffers();
}

/** encodeResponse as one Buffer (copies when the response has several chunks). */
export function encodeResponseBuffer<K extends RequestApiKey>(apiKey: K, apiVersion: number, correlationId: number, body: Input<ResponseBodies[K]>): Buffer {
  const chunks = encodeResponse(apiKey, apiVersion, correlationId, body);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/** Decodes a response frame (after the size prefix) of a request we sent with (apiKey, apiVersion). */
export function decodeResponse<K extends RequestApiKey>(apiKey: K, apiVersion: number, frame: Buffer, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): { correlationId: number; body: ResponseBodies[K] } {
  const r = new Reader(frame, 0, frame.length, limits);
  const header = readMessage(r, 'ResponseHeader', responseHeaderVersion(apiKey, apiVersion));
  const body = readMessage(r, responseName(apiKey), apiVersion) as unknown as ResponseBodies[K];
  return { correlationId: header['correlationId'] as number, body };
}

export type MessageName = keyof MessageTypes;
export type DataName = keyof DataTypes;

/** Encodes any message body by Kafka name (data schemas such as OffsetCommitValue, ConsumerProtocolAssignment …). */
export function encodeData<N extends MessageName>(name: N, version: number, value: Input<MessageTypes[N]>): Buffer {
  const w = new Writer();
  writeMessage(w, name, version, value as object);
  return w.toBuffer();
}

/** Decodes a message body by Kafka name from a whole buffer. */
export function decodeData<N extends MessageName>(name: N, version: number, buf: Buffer, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): MessageTypes[N] {
  return readMessage(new Reader(buf, 0, buf.length, limits), name, version) as unknown as MessageTypes[N];
}

/** int16 version followed by the body (MessageUtil.toVersionPrefixedBytes): __consumer_offsets, __transaction_state, consumer protocol. */
export function encodeVersionPrefixed<N extends MessageName>(name: N, version: number, value: Input<MessageTypes[N]>): Buffer {
  const w = new Writer();
  w.int16(version);
  writeMessage(w, name, version, value as object);
  return w.toBuffer();
}

/** The int16 schema version in front of a version-prefixed buffer. */
export function readVersionPrefix(buf: Buffer): number {
  if (buf.length < 2) throw new MessageDecodeError(`version-prefixed buffer of ${buf.length} bytes`);
  return buf.readInt16BE(0);
}

/**
 * Decodes a version-prefixed buffer. `name` may depend on the version (a __consumer_offsets key is
 * OffsetCommitKey for versions 0-1 and GroupMetadataKey for version 2). Unknown versions →
 * UnsupportedVersionError.
 */
export function decodeVersionPrefixed<N extends MessageName>(name: N | ((version: number) => N), buf: Buffer, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): { version: number; value: MessageTypes[N] } {
  const version = readVersionPrefix(buf);
  const n = typeof name === 'function' ? name(version) : name;
  if (version < 0) throw new UnsupportedVersionError(`${n} version ${version}`);
  const value = readMessage(new Reader(buf, 2, buf.length, limits), n, version) as unknown as MessageTypes[N];
  return { version, value };
}
