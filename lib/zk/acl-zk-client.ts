/**
 * The ACL methods of Kafka's KafkaZkClient ("Acl management methods"), over the broker's
 * KafkaZkClient: the ACL store paths, a pattern's ACLs with their znode version, conditional
 * writes (set / create / delete expecting a version, so two brokers changing one pattern never
 * lose an update), and the change notifications other brokers watch.
 */
import type { KafkaZkClient } from './kafka-zk-client.js';
import { BadVersionError, NoNodeError, NodeExistsError } from './keeper-errors.js';
import { CreateMode } from './zookeeper-client.js';
import { ACL_CHANGE_SEQUENCE_PREFIX, ExtendedAclChangeStore, LiteralAclChangeStore, ResourceZNode, ZkAclStore } from './acl-znodes.js';
import { ZkVersion } from './zk-data.js';
import type { AccessControlEntry } from '../common/acl.js';
import { ACL_RESOURCE_TYPES, PT, type ResourcePattern } from '../common/resource.js';

/** A pattern's ACLs and the zkVersion of its znode (ZkVersion.UnknownVersion when there is none). */
export interface StoredAcls {
  acls: AccessControlEntry[];
  zkVersion: number;
}

export class AclZkClient {
  constructor(readonly zkClient: KafkaZkClient) {}

  /** createAclPaths: every store root with one child per resource type, and both change roots. */
  async createAclPaths(): Promise<void> {
    for (const patternType of ZkAclStore.patternTypes) {
      await this.zkClient.createRecursive(ZkAclStore.aclPath(patternType), null, false);
      for (const rt of ACL_RESOURCE_TYPES) await this.zkClient.createRecursive(ZkAclStore.typePath(patternType, rt), null, false);
    }
    for (const path of [LiteralAclChangeStore.aclChangePath, ExtendedAclChangeStore.aclChangePath]) await this.zkClient.createRecursive(path, null, false);
  }

  /** getVersionedAclsForResource: no znode reads as no ACLs with UnknownVersion. */
  async getVersionedAclsForResource(resource: ResourcePattern): Promise<StoredAcls> {
    const path = ResourceZNode.path(resource);
    const { data, stat } = await this.zkClient.getDataAndStat(path);
    if (stat === null) return { acls: [], zkVersion: ZkVersion.UnknownVersion };
    return { acls: ResourceZNode.decode(path, data), zkVersion: stat.version };
  }

  /** conditionalSetAclsForResource: (true, new version), or (false, UnknownVersion) when the version moved or the znode went. */
  async conditionalSetAclsForResource(resource: ResourcePattern, acls: readonly AccessControlEntry[], expectedVersion: number): Promise<{ succeeded: boolean; zkVersion: number }> {
    if (expectedVersion < 0) throw new Error(`Invalid version ${expectedVersion} provided for conditional update`);
    try {
      const stat = await this.zkClient.zooKeeperClient.setData(ResourceZNode.path(resource), ResourceZNode.encode(acls), expectedVersion);
      return { succeeded: true, zkVersion: stat.version };
    } catch (err) {
      if (err instanceof BadVersionError || err instanceof NoNodeError) return { succeeded: false, zkVersion: ZkVersion.UnknownVersion };
      throw err;
    }
  }

  /** createAclsForResourceIfNotExists: (true, 0), or (false, UnknownVersion) when another writer created it first. */
  async createAclsForResourceIfNotExists(resource: ResourcePattern, acls: readonly AccessControlEntry[]): Promise<{ succeeded: boolean; zkVersion: number }> {
    try {
      await this.zkClient.zooKeeperClient.create(ResourceZNode.path(resource), ResourceZNode.encode(acls), CreateMode.PERSISTENT);
      return { succeeded: true, zkVersion: 0 };
    } catch (err) {
      if (err instanceof NodeExistsError) return { succeeded: false, zkVersion: ZkVersion.UnknownVersion };
      throw err;
    }
  }

  /** conditionalDelete: true when deleted or already gone, false when the version moved. */
  async conditionalDelete(resource: ResourcePattern, expectedVersion: number): Promise<boolean> {
    try {
      await this.zkClient.zooKeeperClient.delete(ResourceZNode.path(resource), expectedVersion);
      return true;
    } catch (err) {
      if (err instanceof NoNodeError) return true;
      if (err instanceof BadVersionError) return false;
      throw err;
    }
  }

  /** createAclChangeNotification: a sequential znode in the pattern type's change store. */
  async createAclChangeNotification(resource: ResourcePattern): Promise<string> {
    const store = resource.patternType === PT.LITERAL ? LiteralAclChangeStore : ExtendedAclChangeStore;
    return this.zkClient.createSequentialPersistentPath(`${store.aclChangePath}/${ACL_CHANGE_SEQUENCE_PREFIX}`, store.encode(resource));
  }

  /** getResourceTypes: the resource type names (Pascal case) stored for a pattern type. */
  async getResourceTypes(patternType: number): Promise<string[]> {
    return this.childrenOrEmpty(ZkAclStore.aclPath(patternType));
  }

  /** getResourceNames: the pattern names stored for a pattern type and resource type. */
  async getResourceNames(patternType: number, resourceType: number): Promise<string[]> {
    return this.childrenOrEmpty(ZkAclStore.typePath(patternType, resourceType));
  }

  private async childrenOrEmpty(path: string): Promise<string[]> {
    try {
      return await this.zkClient.zooKeeperClient.getChildren(path);
    } catch (err) {
      if (err instanceof NoNodeError) return [];
      throw err;
    }
  }
}
