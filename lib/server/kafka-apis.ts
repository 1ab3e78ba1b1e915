/**
 * Kafka's KafkaApis + RequestChannel glue: decodes a request frame, finds its handler in the
 * registry, runs it and encodes the response. What Kafka does with bad input is kept: an ApiVersions
 * request of a version we do not know is answered in v0 with UNSUPPORTED_VERSION and our ranges;
 * an unknown api key, an unsupported version of another API or an undecodable body closes only that
 * connection (the error is logged once, the broker keeps serving everyone else).
 * Once a request is decoded, its frame's memory goes back to the network layer's memory pool unless
 * the decoded request still refers to the frame's bytes (Produce's records), as Kafka releases a
 * request's buffer when its handler returns, before a delayed response (a Fetch waiting up to its
 * max wait, a JoinGroup waiting for the group) is sent.
 */
import { ALL_API_KEYS, ApiKeys, apiMessageType, decodeRequestBody, decodeRequestHeader, encodeResponse, keepsViews } from '../protocol/index.js';
import type { RequestApiKey } from '../protocol/frames.js';
import { Errors, ApiError, UnsupportedVersionError } from '../protocol/errors.js';
import type { ConnectionInfo, RequestHandler } from '../network/connection.js';
import { CloseConnectionError, type ApiHandler, type RequestContext } from './handlers/handler.js';
import type { BrokerContext } from './handlers/broker-context.js';
import { logger } from '../utils/logger.js';
import { RateLimitedLog } from '../common/rate-limited-log.js';

/** Api keys whose decoded requests refer to their frame (records fields, zero-copy bytes). */
const KEEPS_FRAME = new Set(ALL_API_KEYS.filter((k) => keepsViews(apiMessageType(k).requestSpec)));

export class KafkaApis implements RequestHandler {
  private readonly log = new RateLimitedLog(logger('kafka.server.KafkaApis'));
  private readonly requestLog = logger('kafka.request.logger');
  private readonly handlers = new Map<number, ApiHandler>();
  private openGate!: () => void;
  /** Requests wait here until start-up completes (Kafka's startProcessingRequests). */
  private readonly started = new Promise<void>((resolve) => (this.openGate = resolve));

  constructor(handlers: readonly ApiHandler[], private readonly broker: BrokerContext) {
    for (const h of handlers) {
      if (this.handlers.has(h.apiKey)) throw new Error(`two handlers for api key ${h.apiKey}`);
      this.handlers.set(h.apiKey, h);
    }
  }

  /** (apiKey, minVersion, maxVersion) for ApiVersions, from the registry. */
  supportedApis(): Array<{ apiKey: number; minVersion: number; maxVersion: number }> {
    return [...this.handlers.values()]
      .map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }))
      .sort((a, b) => a.apiKey - b.apiKey);
  }

  /**
   * Opens request processing. Until then connections are accepted and their requests queue (the
   * listeners must be bound early so the broker can register its ports), as Kafka's data plane only
   * starts processing at the end of start-up.
   */
  startProcessingRequests(): void {
    this.openGate();
  }

  ready(): Promise<void> {
    return this.started;
  }

  /**
   * Produce frames are reusable once handled: their records are validated and written to the log
   * synchronously during the request, and nothing keeps them (followers and consumers read the
   * log). Other requests may keep views of their frame (group member metadata, for one).
   */
  frameReusable(frame: Buffer): boolean {
    return frame.length >= 2 && frame.readInt16BE(0) === ApiKeys.PRODUCE;
  }

  async handle(frame: Buffer, connection: ConnectionInfo, releaseFrame?: () => void): Promise<Buffer[] | null> {
    await this.started;
    const { header, bodyOffset } = decodeRequestHeader(frame);
    const apiKey = header.requestApiKey as RequestApiKey;
    const handler = this.handlers.get(apiKey);
    const version = header.requestApiVersion;
    if (!handler || version < handler.minVersion || version > handler.maxVersion) {
      if (apiKey === ApiKeys.API_VERSIONS) return this.unsupportedApiVersions(header.correlationId);
      throw new UnsupportedVersionError(`api key ${apiKey} version ${version} is not supported (client ${header.clientId ?? ''})`);
    }
    const body = decodeRequestBody(header, frame, bodyOffset);
    if (!KEEPS_FRAME.has(apiKey)) releaseFrame?.();
    const ctx: RequestContext = { header, apiVersion: version, connection, listenerName: connection.listenerName, broker: this.broker };
    const started = process.hrtime.bigint();
    let response;
    try {
      response = await handler.handle(ctx, body as never);
    } catch (err) {
      if (!(err instanceof ApiError) && !(err instanceof CloseConnectionError)) this.log.error(`unexpected-error-${apiKey}`, { err, apiKey, version }, `unexpected error handling api key ${apiKey}`);
      throw err;
    } finally {
      this.broker.requestMetrics?.record(apiKey, Number(process.hrtime.bigint() - started) / 1e6);
    }
    if (this.requestLog.isLevelEnabled('trace')) {
      this.requestLog.trace({ apiKey, version, correlationId: header.correlationId, clientId: header.clientId }, 'completed request');
    }
    if (response === null) return null;
    return encodeResponse(apiKey, version, header.correlationId, response as never);
  }

  private unsupportedApiVersions(correlationId: number): Buffer[] {
    return encodeResponse(ApiKeys.API_VERSIONS, 0, correlationId, {
      errorCode: Errors.UNSUPPORTED_VERSION.code,
      apiKeys: this.supportedApis(),
    });
  }
}
