/**
 * Kafka's ChannelBuilders for the broker's listeners: what each connection of a listener goes
 * through before its requests are served, from the listener's security protocol.
 *
 *   PLAINTEXT       plain TCP, principal User:ANONYMOUS
 *   SSL             TLS (SslFactory); principal User:<mapped client certificate DN>, or
 *                   User:ANONYMOUS without a client certificate (ssl.client.auth none/requested)
 *   SASL_PLAINTEXT  plain TCP, then SASL (SaslServerAuthenticator); principal User:<SASL name>
 *   SASL_SSL        TLS, then SASL; the SASL principal wins over the certificate
 *
 * A listener whose security cannot be built (key material, mechanisms) fails here, at start-up.
 */
import type { TLSSocket } from 'node:tls';
import type { InterBrokerSecurityConfig, ListenerSecurityConfig } from '../config/listener-security.js';
import { KafkaPrincipal } from '../common/kafka-principal.js';
import type { Time } from '../common/time.js';
import { SslFactory } from '../security/ssl/ssl-factory.js';
import { SslPrincipalMapper } from '../security/ssl/ssl-principal-mapper.js';
import { subjectName } from '../security/ssl/x500-name.js';
import { SaslServerAuthenticator } from '../security/authenticator/sasl-server-authenticator.js';
import { createSaslServer } from '../security/authenticator/sasl-server-factory.js';
import type { CredentialCache } from '../security/credential-cache.js';
import { createSaslClient } from '../security/authenticator/sasl-client-factory.js';
import type { ClientChannelSecurity } from './network-client.js';

/** What a Connection needs from its authenticator (SaslServerAuthenticator). */
export type ChannelAuthenticator = Pick<SaslServerAuthenticator, 'complete' | 'principal' | 'onFrame' | 'maybeBeginReauthentication' | 'sessionExpired'>;

export interface ListenerChannel {
  readonly listenerName: string;
  readonly securityProtocol: string;
  /** Set for SSL and SASL_SSL: connections are TLS. */
  readonly ssl: SslFactory | null;
  /**
   * The principal of a TLS connection from its client certificate (User:ANONYMOUS without one).
   * Throws when the certificate was presented but not trusted (ssl.client.auth=requested lets
   * the handshake finish; Java's would have failed).
   */
  sslPrincipal(socket: TLSSocket): KafkaPrincipal;
  /**
   * A new connection's SASL authenticator (null without SASL). `apiVersions` answers an
   * ApiVersions request received before authentication.
   */
  newAuthenticator(apiVersions: (frame: Buffer) => Promise<Buffer[] | null>): ChannelAuthenticator | null;
}

export interface ChannelBuilderDeps {
  readonly credentials: CredentialCache;
  readonly time: Time;
}

export class UntrustedClientCertificateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UntrustedClientCertificateError';
  }
}

/** `interBrokerListener`: its key and trust stores must keep trusting each other when they change (Kafka's keystoreVerifiableUsingTruststore). */
export function buildListenerChannel(security: ListenerSecurityConfig, deps: ChannelBuilderDeps, interBrokerListener = false): ListenerChannel {
  const ssl = security.ssl ? new SslFactory(security.ssl, 'server', { keystoreVerifiableUsingTruststore: interBrokerListener }) : null;
  const mapper = security.ssl ? new SslPrincipalMapper(security.ssl.principalMappingRules) : null;
  const sasl = security.sasl;
  return {
    listenerName: security.listenerName,
    securityProtocol: security.securityProtocol,
    ssl,
    sslPrincipal(socket: TLSSocket): KafkaPrincipal {
      const cert = socket.getPeerCertificate();
      if (!cert || !cert.raw) return KafkaPrincipal.ANONYMOUS;
      if (!socket.authorized) {
        throw new UntrustedClientCertificateError(`client certificate ${cert.subject ? JSON.stringify(cert.subject) : ''} not trusted: ${String(socket.authorizationError)}`);
      }
      return new KafkaPrincipal(KafkaPrincipal.USER_TYPE, mapper!.getName(subjectName(cert.raw)));
    },
    newAuthenticator(apiVersions) {
      if (!sasl) return null;
      return new SaslServerAuthenticator({
        enabledMechanisms: sasl.enabledMechanisms,
        createSaslServer: (m) => createSaslServer(m, sasl.mechanisms.get(m)!.jaas, deps.credentials, () => deps.time.milliseconds()),
        connectionsMaxReauthMs: (m) => sasl.mechanisms.get(m)?.connectionsMaxReauthMs ?? 0,
        apiVersions,
        time: deps.time,
        maxReceiveSize: sasl.maxReceiveSize,
      });
    },
  };
}

/**
 * The client side of the inter-broker listener (security.inter.broker.protocol /
 * inter.broker.listener.name, sasl.mechanism.inter.broker.protocol): how the controller channel,
 * replica fetchers and other broker-to-broker clients connect. Null for PLAINTEXT.
 */
export function interBrokerClientSecurity(config: InterBrokerSecurityConfig, clientId: string): ClientChannelSecurity | null {
  if (!config.ssl && !config.sasl) return null;
  const sasl = config.sasl;
  return {
    ssl: config.ssl ? new SslFactory(config.ssl, 'client') : null,
    newSaslClient: sasl ? () => createSaslClient(sasl.mechanism, sasl.jaas) : null,
    clientId,
  };
}
