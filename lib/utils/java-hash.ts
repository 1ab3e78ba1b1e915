/**
 * The two Java integer facts Kafka's key placement depends on: String.hashCode and Kafka's Utils.abs.
 * Group and transaction coordinators place a key on `abs(key.hashCode) % partitions` of their
 * internal topic, so kafkats must compute exactly what a JVM computes.
 */

/** Java's String.hashCode (UTF-16 code units, 32-bit wrap). */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Kafka's Utils.abs: Integer.MIN_VALUE maps to 0. */
export function javaAbs(n: number): number {
  return n === -2147483648 ? 0 : Math.abs(n);
}

/** abs(key.hashCode) % partitionCount: the internal-topic partition a coordinator key lives on. */
export function partitionForKey(key: string, partitionCount: number): number {
  return javaAbs(javaStringHashCode(key)) % partitionCount;
}
