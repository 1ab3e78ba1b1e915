/**
 * A tiny file system for log dirs that run out of space in specs: a tmpfs of a given size mounted
 * on a directory (needs root, as the specs run), and a filler that takes every free block.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Mounts a tmpfs of `size` (e.g. '8m') on `dir`, creating it. */
export function mountTmpfs(dir: string, size: string): void {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
}

/** Lazily unmounts `dir` (a process may still hold files open there). */
export function unmount(dir: string): void {
  execFileSync('umount', ['-l', dir]);
}

/** Fills the file system holding `dir` until ENOSPC; returns the filler's path (delete it to free the space). */
export function fillDisk(dir: string): string {
  const filler = path.join(dir, 'filler');
  const fd = fs.openSync(filler, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    fs.closeSync(fd);
  }
  // Partial chunks: take the last blocks too.
  const small = Buffer.alloc(512, 1);
  const fd2 = fs.openSync(filler, 'a');
  try {
    for (;;) fs.writeSync(fd2, small);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    fs.closeSync(fd2);
  }
  return filler;
}
