/** The cluster's own znodes: `/cluster/id` and the `/feature` znode (kafka/zk/ZkData.scala). */
import { InvalidZNodeDataError, encodeJson, parseObject, int, str, obj } from './znode-json.js';

export const ClusterIdZNode = {
  path: '/cluster/id',
  toJson(id: string): Buffer {
    return encodeJson({ version: '1', id });
  },
  fromJson(bytes: Buffer | null): string {
    return str(this.path, parseObject(this.path, bytes), 'id');
  },
};

/** `/feature`: version 2 `{"features":{"name":{"max_version_level":n}},"version":2,"status":1}` (status: 0 disabled, 1 enabled). */
export const FeatureZNode = {
  path: '/feature',
  V1: 1,
  V2: 2,
  encode(status: number, features: Record<string, number> = {}, version = 2): Buffer {
    const f: Record<string, Record<string, number>> = {};
    for (const [name, level] of Object.entries(features)) {
      f[name] = version >= 2 ? { max_version_level: level } : { min_version_level: 1, max_version_level: level };
    }
    return encodeJson({ features: f, version, status });
  },
  decode(bytes: Buffer | null): { version: number; status: number; features: Record<string, number> } {
    const o = parseObject(this.path, bytes);
    const version = int(this.path, o, 'version');
    if (version !== 1 && version !== 2) throw new InvalidZNodeDataError(this.path, `unsupported version ${version}`);
    const status = int(this.path, o, 'status');
    if (status !== 0 && status !== 1) throw new InvalidZNodeDataError(this.path, `bad status ${status}`);
    const features: Record<string, number> = {};
    if (o.features !== undefined && o.features !== null) {
      for (const [name, r] of Object.entries(obj(this.path, o.features, 'features'))) {
        features[name] = int(this.path, obj(this.path, r, `feature ${name}`), 'max_version_level');
      }
    }
    return { version, status, features };
  },
};
