/**
 * Api keys and per-API facts (Kafka's ApiKeys enum and generated ApiMessageType): names, valid and
 * flexible version ranges, listeners, and the request/response header version rules.
 */
import { InvalidRequestError } from './errors.js';
import { ApiKeys, API_MESSAGES, type ApiKey } from './generated/api-keys.js';
import { MESSAGE_SPECS } from './generated/descriptors.js';
import { inRange, parseVersions, type MessageSpec, type VersionRange } from './schema.js';

export { ApiKeys, type ApiKey };

export interface ApiMessageType {
  readonly apiKey: number;
  /** Kafka's api name without suffix, e.g. 'Produce', 'ApiVersions'. */
  readonly name: string;
  readonly requestSpec: MessageSpec;
  readonly responseSpec: MessageSpec;
  readonly validVersions: VersionRange;
  readonly flexibleVersions: VersionRange;
  readonly deprecatedVersions: VersionRange;
  /** 'zkBroker', 'broker', 'controller': the roles that expose this API. */
  readonly listeners: readonly string[];
  /** The highest version is under development and is not advertised by default. */
  readonly latestVersionUnstable: boolean;
  /** Listed for the zkBroker listener (a ZooKeeper-mode broker serves it). */
  readonly zkBroker: boolean;
}

const types = new Map<number, ApiMessageType>();
for (const [apiKey, [name, request, response]] of API_MESSAGES) {
  const requestSpec = MESSAGE_SPECS[request]!;
  const listeners = requestSpec.listeners ?? [];
  types.set(apiKey, {
    apiKey,
    name,
    requestSpec,
    responseSpec: MESSAGE_SPECS[response]!,
    validVersions: parseVersions(requestSpec.validVersions),
    flexibleVersions: parseVersions(requestSpec.flexibleVersions),
    deprecatedVersions: parseVersions(requestSpec.deprecatedVersions ?? 'none'),
    listeners,
    latestVersionUnstable: requestSpec.latestVersionUnstable === true,
    zkBroker: listeners.includes('zkBroker'),
  });
}

/** Every api key Kafka 3.9 defines (0..87), in order. */
export const ALL_API_KEYS: readonly number[] = [...types.keys()];

export function isApiKey(apiKey: number): boolean {
  return types.has(apiKey);
}

/** Facts of one API; InvalidRequestError for an unknown key (Kafka closes the connection then). */
export function apiMessageType(apiKey: number): ApiMessageType {
  const t = types.get(apiKey);
  if (t === undefined) throw new InvalidRequestError(`unknown api key ${apiKey}`);
  return t;
}

export function apiKeyName(apiKey: number): string {
  return types.get(apiKey)?.name ?? `Unknown(${apiKey})`;
}

/**
 * Request header version for (apiKey, apiVersion), for any version (also ones outside validVersions,
 * so the header of an ApiVersions request of an unknown version can still be read): 2 when the
 * version is flexible, else 1; ControlledShutdown v0 uses header v0.
 */
export function requestHeaderVersion(apiKey: number, apiVersion: number): number {
  const t = apiMessageType(apiKey);
  if (apiKey === ApiKeys.CONTROLLED_SHUTDOWN && apiVersion === 0) return 0;
  return inRange(t.flexibleVersions, apiVersion) ? 2 : 1;
}

/** Response header version: 1 when flexible, else 0; ApiVersions responses always use header v0. */
export function responseHeaderVersion(apiKey: number, apiVersion: number): number {
  const t = apiMessageType(apiKey);
  if (apiKey === ApiKeys.API_VERSIONS) return 0;
  return inRange(parseVersions(t.responseSpec.flexibleVersions), apiVersion) ? 1 : 0;
}
