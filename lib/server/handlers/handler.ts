/**
 * The shape of one API handler (server/handlers/<api>.ts): its api key, the version range kafkats
 * serves, and `handle`, which validates, delegates to a subsystem and maps errors — no state.
 * ApiVersions is derived from the registry of these handlers, never from a hand-kept list.
 */
import type { Input, RequestApiKey } from '../../protocol/frames.js';
import type { RequestHeader } from '../../protocol/request-header.js';
import type { RequestBodies, ResponseBodies } from '../../protocol/generated/types.js';
import type { ConnectionInfo } from '../../network/connection.js';
import type { BrokerContext } from './broker-context.js';

export interface RequestContext {
  readonly header: RequestHeader;
  readonly apiVersion: number;
  readonly connection: ConnectionInfo;
  /** The listener the request arrived on: Metadata answers with that listener's endpoints. */
  readonly listenerName: string;
  readonly broker: BrokerContext;
}

export interface ApiHandler<K extends RequestApiKey = RequestApiKey> {
  readonly apiKey: K;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** Resolves to the response body, or null when no response is sent (Produce acks=0). */
  handle(ctx: RequestContext, request: RequestBodies[K]): Promise<Input<ResponseBodies[K]> | null>;
}

/**
 * Thrown by a handler to close the connection without an answer, as Kafka's
 * RequestChannel.closeConnection (a failed acks=0 produce): the client's doing, not the broker's.
 */
export class CloseConnectionError extends Error {}

export function defineHandler<K extends RequestApiKey>(handler: ApiHandler<K>): ApiHandler<K> {
  return handler;
}
