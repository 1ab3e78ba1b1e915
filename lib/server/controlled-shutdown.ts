/**
 * The broker side of controlled shutdown (KafkaServer.controlledShutdown): ask the controller to
 * move leadership away with ControlledShutdown v3 (broker id + broker epoch) until it reports no
 * remaining partitions, retrying controlled.shutdown.max.retries times with
 * controlled.shutdown.retry.backoff.ms between attempts; then the broker shuts down anyway.
 * A broker that knows no other live broker skips it: leadership has nowhere to move, so every
 * attempt would fail after its backoff (Kafka's documentation advises this for the last broker).
 */
import type { ControlledShutdownConfig } from '../config/controller-config.js';
import { NetworkClient, type ClientChannelSecurity } from '../network/network-client.js';
import { ApiKeys, decodeResponse, encodeRequest } from '../protocol/index.js';
import { Errors } from '../protocol/errors.js';
import type { MetadataCache } from './metadata-cache.js';
import { logger } from '../utils/logger.js';
import { SYSTEM_TIME, type Time } from '../common/time.js';

const CONTROLLED_SHUTDOWN_VERSION = 3;

/** The broker's ControlledShutdownConfig with what the broker supplies at run time. */
export interface ControlledShutdownOptions extends Omit<ControlledShutdownConfig, 'enable'> {
  brokerId: number;
  brokerEpoch: bigint;
  interBrokerListener: string;
  security?: ClientChannelSecurity | null;
}

export async function controlledShutdown(cache: MetadataCache, opts: ControlledShutdownOptions, time: Time = SYSTEM_TIME): Promise<boolean> {
  const log = logger('kafka.server.KafkaServer');
  if (!cache.getAliveBrokers().some((b) => b.id !== opts.brokerId)) {
    log.info('No other live broker to move leadership to: skipping the controlled shutdown');
    return false;
  }
  for (let attempt = 1; attempt <= Math.max(1, opts.maxRetries); attempt++) {
    const controllerId = cache.getControllerId();
    const ep = controllerId === null ? undefined : cache.getAliveEndpoint(controllerId, opts.interBrokerListener);
    if (ep) {
      const client = new NetworkClient({ host: ep.host, port: ep.port }, { requestTimeoutMs: opts.requestTimeoutMs, connectTimeoutMs: 5000, maxResponseSize: 10 * 1024 * 1024, security: opts.security });
      try {
        const frame = encodeRequest(
          { requestApiKey: ApiKeys.CONTROLLED_SHUTDOWN, requestApiVersion: CONTROLLED_SHUTDOWN_VERSION, correlationId: attempt, clientId: `broker-${opts.brokerId}` },
          { brokerId: opts.brokerId, brokerEpoch: opts.brokerEpoch },
        );
        const payload = await client.send(attempt, [frame]);
        const { body } = decodeResponse(ApiKeys.CONTROLLED_SHUTDOWN, CONTROLLED_SHUTDOWN_VERSION, payload as Buffer);
        if (body.errorCode === Errors.NONE.code && body.remainingPartitions.length === 0) {
          log.info('Controlled shutdown request returned successfully');
          return true;
        }
        log.info(`Controlled shutdown attempt ${attempt}: error ${body.errorCode}, ${body.remainingPartitions.length} partitions still led here`);
      } catch (err) {
        log.warn(`Controlled shutdown attempt ${attempt} failed: ${(err as Error).message}`);
      } finally {
        client.close();
      }
    } else {
      log.warn(`Controlled shutdown attempt ${attempt}: no known controller`);
    }
    if (attempt < opts.maxRetries) await time.sleep(opts.retryBackoffMs);
  }
  log.warn('Proceeding to do an unclean shutdown as all the controlled shutdown attempts failed');
  return false;
}
