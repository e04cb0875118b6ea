/**
 * Files the local runtime cannot lose: written beside, fsync'ed, renamed over, and the directory
 * fsync'ed, so a power cut leaves the old file or the whole new one, never an empty one. For
 * keys that records on disk depend on (the secrets key opens sealed webhook secrets).
 */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export function writeDurably(file: string, content: Buffer | string, mode = 0o644) {
  const fd = openSync(`${file}.tmp`, 'w', mode);
  try {
    writeSync(fd, typeof content === 'string' ? Buffer.from(content) : content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(`${file}.tmp`, file);
  syncDirectory(dirname(file));
}

/** fsync of a directory: Linux and macOS allow it on a read-only descriptor; Windows has no such thing. */
export function syncDirectory(dir: string) {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
