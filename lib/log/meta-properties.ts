/**
 * Kafka's meta.properties in every log dir (ZooKeeper mode, version 0): the broker id (and cluster
 * id) the dir belongs to, checked at start-up so a dir is never served by another broker.
 */
import fs from 'node:fs';
import path from 'node:path';

export const META_PROPERTIES_FILE = 'meta.properties';

/** Kafka's meta.properties (ZooKeeper mode, version 0). */
export function readMetaProperties(dir: string): Map<string, string> | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, META_PROPERTIES_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t || t.startsWith('#') || t.startsWith('!')) continue;
    const eq = t.indexOf('=');
    if (eq > 0) out.set(t.slice(0, eq).trim(), t.slice(eq + 1).trim());
  }
  return out;
}

export function writeMetaProperties(dir: string, brokerId: number, clusterId: string | undefined): void {
  const lines = ['#', `#${new Date().toString()}`, 'version=0', `broker.id=${brokerId}`];
  if (clusterId) lines.push(`cluster.id=${clusterId}`);
  const file = path.join(dir, META_PROPERTIES_FILE);
  fs.writeFileSync(`${file}.tmp`, `${lines.join('\n')}\n`);
  fs.renameSync(`${file}.tmp`, file);
}
