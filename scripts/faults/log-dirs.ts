/**
 * The brokers' log dirs of a fault campaign: each on its own small tmpfs (root only), so the
 * disk-full nemesis can fill one with a ballast file (lib/testing/full-disk) and free it on heal.
 * Without root the log dirs are plain directories and the disk-full nemesis is skipped.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fillDisk, mountTmpfs } from '../../lib/testing/full-disk.js';
import type { RunRegistry } from './run-registry.js';

export class LogDirs {
  readonly unavailable: string | null;
  private readonly ballast = new Map<number, string>();

  constructor(
    private readonly runDir: string,
    brokers: number[],
    readonly sizeMb: number,
    registry: RunRegistry,
  ) {
    this.unavailable = process.getuid?.() === 0 ? null : 'a full disk needs a tmpfs log dir, which needs root';
    for (const id of brokers) {
      const dir = this.dir(id);
      fs.mkdirSync(dir, { recursive: true });
      if (this.unavailable === null) {
        registry.add('mounts', dir);
        mountTmpfs(dir, `${sizeMb}m`);
      }
    }
  }

  dir(brokerId: number): string {
    return path.join(this.runDir, `broker-${brokerId}`, 'data');
  }

  /** Bytes used and free on the broker's log dir file system. */
  usage(brokerId: number): { usedBytes: number; freeBytes: number } {
    const s = fs.statfsSync(this.dir(brokerId));
    return { usedBytes: (s.blocks - s.bfree) * s.bsize, freeBytes: s.bavail * s.bsize };
  }

  /** Takes every free byte of the broker's log dir with a ballast file; returns how much it took. */
  fill(brokerId: number): number {
    const before = this.usage(brokerId).freeBytes;
    this.ballast.set(brokerId, fillDisk(this.dir(brokerId)));
    return before - this.usage(brokerId).freeBytes;
  }

  /** Deletes the ballast (no-op when there is none). */
  free(brokerId: number): void {
    const f = this.ballast.get(brokerId);
    if (f !== undefined) fs.rmSync(f, { force: true });
    this.ballast.delete(brokerId);
  }

  freeAll(): void {
    for (const id of [...this.ballast.keys()]) this.free(id);
  }
}
