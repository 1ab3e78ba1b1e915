/**
 * Kafka's ConfigAdminManager (kafka/server/ConfigAdminManager.scala) parts used in ZooKeeper mode:
 * request pre-checks (one entry per resource, one op per key) and prepareIncrementalConfigs, which
 * applies IncrementalAlterConfigs operations to the stored override set.
 */
import { InvalidConfigError, InvalidRequestError } from '../../protocol/errors.js';
import { renderValue, type ConfigDef } from '../../config/config-def.js';

/** Kafka's AlterConfigOp.OpType ids. */
export const AlterConfigOpType = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

export interface AlterConfigOp {
  name: string;
  configOperation: number;
  value: string | null;
}

/** Resources that appear more than once in one request (each such entry is answered INVALID_REQUEST). */
export function duplicateResources(resources: ReadonlyArray<{ resourceType: number; resourceName: string }>): Set<string> {
  const seen = new Set<string>();
  const dupes = new Set<string>();
  for (const r of resources) {
    const k = resourceKey(r);
    if (seen.has(k)) dupes.add(k);
    seen.add(k);
  }
  return dupes;
}

export function resourceKey(r: { resourceType: number; resourceName: string }): string {
  return `${r.resourceType}:${r.resourceName}`;
}

/** INVALID_REQUEST when a key appears twice among the ops of one resource, or an op id is unknown. */
export function validateAlterConfigOps(ops: readonly AlterConfigOp[]): void {
  const names = new Set<string>();
  for (const op of ops) {
    if (names.has(op.name)) throw new InvalidRequestError(`Error due to duplicate config keys: ${op.name}`);
    names.add(op.name);
    if (!Object.values(AlterConfigOpType).includes(op.configOperation as 0)) {
      throw new InvalidRequestError(`Unknown alter config operation type ${op.configOperation} for ${op.name}`);
    }
    if (op.configOperation !== AlterConfigOpType.DELETE && op.value === null) {
      throw new InvalidRequestError(`Null value not supported for : ${op.name}`);
    }
  }
}

/**
 * ConfigAdminManager.prepareIncrementalConfigs: applies SET / DELETE / APPEND / SUBTRACT to
 * `configProps` in place. APPEND and SUBTRACT are only allowed on LIST keys; they start from the
 * stored value, else the key's default, and keep list order (APPEND skips values already present).
 */
export function prepareIncrementalConfigs(ops: readonly AlterConfigOp[], configProps: Record<string, string>, configDef: ConfigDef): void {
  const listValue = (name: string): string[] => {
    const key = configDef.key(name);
    if (key === undefined) throw new InvalidConfigError(`Unknown config name: ${name}`);
    const stored = configProps[name] ?? (key.defaultValue === null ? '' : (renderValue(key.type, key.defaultValue) ?? ''));
    return stored.split(',').filter((v) => v.length > 0);
  };
  const isList = (name: string): boolean => {
    const key = configDef.key(name);
    if (key === undefined) throw new InvalidConfigError(`Unknown config name: ${name}`);
    return key.type === 'list';
  };
  for (const op of ops) {
    switch (op.configOperation) {
      case AlterConfigOpType.SET:
        configProps[op.name] = op.value ?? '';
        break;
      case AlterConfigOpType.DELETE:
        delete configProps[op.name];
        break;
      case AlterConfigOpType.APPEND: {
        if (!isList(op.name)) throw new InvalidRequestError(`Config value append is not allowed for config key: ${op.name}`);
        const old = listValue(op.name);
        const adding = (op.value ?? '').split(',').filter((v) => v.length > 0 && !old.includes(v));
        configProps[op.name] = [...old, ...adding].join(',');
        break;
      }
      case AlterConfigOpType.SUBTRACT: {
        if (!isList(op.name)) throw new InvalidRequestError(`Config value subtract is not allowed for config key: ${op.name}`);
        const old = listValue(op.name);
        const removing = (op.value ?? '').split(',');
        configProps[op.name] = diff(old, removing).join(',');
        break;
      }
      default:
        throw new InvalidRequestError(`Unknown alter config operation type ${op.configOperation}`);
    }
  }
}

/** Scala's List.diff: removes one occurrence per element of `remove`. */
function diff(list: readonly string[], remove: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const r of remove) counts.set(r, (counts.get(r) ?? 0) + 1);
  const out: string[] = [];
  for (const v of list) {
    const c = counts.get(v) ?? 0;
    if (c > 0) counts.set(v, c - 1);
    else out.push(v);
  }
  return out;
}
