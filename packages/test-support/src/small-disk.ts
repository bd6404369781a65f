import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

/** A small tmpfs the test can fill to the last byte and free again: a real full disk, ENOSPC from the kernel. */
export interface SmallDisk {
  dir: string;
  /** Writes a filler file until the kernel answers ENOSPC: nothing more fits. */
  fill(): void;
  /** Deletes the filler: the space is back. */
  free(): void;
  /** Makes the disk larger (for what filled it without a filler). */
  grow(sizeKiB: number): void;
}

const FILLER = '.filler';

/**
 * Mounts a tmpfs of `sizeKiB` for the test (unmounted after it). Mounting needs root (the tests
 * run as root here and in CI); without it the test is skipped, saying why, and null returned.
 */
export function mountSmallDisk(t: TestContext, sizeKiB: number): SmallDisk | null {
  const dir = mkdtempSync('/tmp/stitch-small-disk-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const reason = String((error as { stderr?: Buffer }).stderr ?? (error as Error).message).trim();
    t.skip(`cannot mount a tmpfs to fill (needs root: ${reason})`);
    return null;
  }
  t.after(() => {
    execFileSync('umount', ['--lazy', dir], { stdio: 'pipe' });
    rmSync(dir, { recursive: true, force: true });
  });
  const filler = join(dir, FILLER);
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      try {
        // Large pieces first, then single pages, until not one more byte fits.
        for (const piece of [Buffer.alloc(64 * 1024), Buffer.alloc(4096), Buffer.alloc(1)]) {
          for (;;) {
            try {
              writeSync(fd, piece);
            } catch (error) {
              if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
              throw error;
            }
          }
        }
      } finally {
        closeSync(fd);
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    grow(sizeKiB) {
      execFileSync('mount', ['-o', `remount,size=${sizeKiB}k`, dir], { stdio: 'pipe' });
    },
  };
}
