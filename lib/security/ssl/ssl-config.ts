/**
 * The SSL settings of one listener (or of a client connection), as Kafka's SslConfigs keys give
 * them after `listener.name.<listener>.` overrides: built and validated in lib/config, turned into
 * Node TLS options by SslFactory.
 */

export type SslClientAuth = 'none' | 'requested' | 'required';

/** A key store or trust store (`ssl.keystore.*` / `ssl.truststore.*`). */
export interface SslStoreConfig {
  /** ssl.keystore.type / ssl.truststore.type: JKS (Kafka's default), PKCS12 or PEM. */
  readonly type: string;
  readonly location: string | null;
  readonly password: string | null;
  /** ssl.key.password (key stores only). */
  readonly keyPassword?: string | null;
  /** PEM given inline: ssl.keystore.certificate.chain / ssl.truststore.certificates. */
  readonly certificates?: string | null;
  /** PEM given inline: ssl.keystore.key. */
  readonly key?: string | null;
}

export interface SslConfig {
  readonly protocol: string;
  readonly enabledProtocols: readonly string[];
  readonly cipherSuites: readonly string[];
  readonly clientAuth: SslClientAuth;
  /** `https` checks the server's host name (clients and inter-broker connections); empty does not. */
  readonly endpointIdentificationAlgorithm: string | null;
  readonly principalMappingRules: string;
  readonly keystore: SslStoreConfig | null;
  readonly truststore: SslStoreConfig | null;
}
