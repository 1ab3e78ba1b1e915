/**
 * Request header parsing (Kafka's RequestHeader / RequestContext): reads only the header of a frame
 * (the bytes after the int32 size prefix) so the network layer can route, answer UNSUPPORTED_VERSION
 * for an ApiVersions of unknown version, or log a bad request before decoding any body.
 */
import { requestHeaderVersion } from './api-keys.js';
import { readMessage } from './codec.js';
import { DEFAULT_DECODE_LIMITS, Reader, type DecodeLimits } from './reader.js';
import type { RequestHeader } from './generated/types.js';

export type { RequestHeader };

export interface DecodedRequestHeader {
  readonly header: RequestHeader;
  /** 0, 1 or 2. */
  readonly headerVersion: number;
  /** Offset of the request body in the frame. */
  readonly bodyOffset: number;
}

/** The first 8 bytes of a request (api key, version, correlation id), or null if the frame is shorter. */
export function peekRequestHeader(frame: Buffer): { requestApiKey: number; requestApiVersion: number; correlationId: number } | null {
  if (frame.length < 8) return null;
  return { requestApiKey: frame.readInt16BE(0), requestApiVersion: frame.readInt16BE(2), correlationId: frame.readInt32BE(4) };
}

/**
 * Decodes the request header for any version of a known api key (the header version depends only on
 * whether the version is flexible, so versions outside validVersions work too). Unknown api key →
 * InvalidRequestError; truncated/malformed header → MessageDecodeError (also an InvalidRequestError).
 */
export function decodeRequestHeader(frame: Buffer, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): DecodedRequestHeader {
  const r = new Reader(frame, 0, frame.length, limits);
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const headerVersion = requestHeaderVersion(apiKey, apiVersion);
  r.pos = 0;
  const header = readMessage(r, 'RequestHeader', headerVersion) as unknown as RequestHeader;
  return { header, headerVersion, bodyOffset: r.pos };
}
