/**
 * The three ACL enums of Kafka's clients (ResourceType, AclOperation, AclPermissionType, and the
 * PatternType of resources) share one shape: a byte code on the wire, an upper-case constant name
 * (`TRANSACTIONAL_ID`), and a Pascal-case name in ZooKeeper JSON, tools and logs
 * (`TransactionalId`, SecurityUtils.toPascalCase). An unknown code or name reads as UNKNOWN (0).
 */

export interface KafkaEnum<T extends Record<string, number>> {
  readonly values: T;
  /** The constant name of a code (`TOPIC`), `UNKNOWN` for an unknown code. */
  name(code: number): string;
  /** fromCode: the code itself when known, else UNKNOWN. */
  fromCode(code: number): number;
  /** Enum.fromString: the constant name in any case (`topic`, `TOPIC`), else UNKNOWN. */
  fromString(s: string): number;
  /** SecurityUtils.toPascalCase of the constant name (`TransactionalId`). */
  pascalName(code: number): string;
  /** SecurityUtils.resourceType/operation/permissionType: the Pascal name, or it upper-cased (`TRANSACTIONALID`), else UNKNOWN. */
  fromPascalName(s: string): number;
}

export function toPascalCase(name: string): string {
  return name.toLowerCase().split('_').map((w) => (w === '' ? '' : w[0]!.toUpperCase() + w.substring(1))).join('');
}

export function kafkaEnum<T extends Record<string, number>>(values: T): KafkaEnum<T> {
  const byCode = new Map<number, string>(Object.entries(values).map(([k, v]) => [v, k]));
  const byName = new Map<string, number>(Object.entries(values));
  const byPascal = new Map<string, number>();
  for (const [k, v] of Object.entries(values)) {
    byPascal.set(toPascalCase(k), v);
    byPascal.set(toPascalCase(k).toUpperCase(), v);
  }
  const unknown = values.UNKNOWN ?? 0;
  return {
    values,
    name: (code) => byCode.get(code) ?? 'UNKNOWN',
    fromCode: (code) => (byCode.has(code) ? code : unknown),
    fromString: (s) => byName.get(s.toUpperCase()) ?? unknown,
    pascalName: (code) => toPascalCase(byCode.get(code) ?? 'UNKNOWN'),
    fromPascalName: (s) => byPascal.get(s) ?? byPascal.get(s.toUpperCase()) ?? unknown,
  };
}
