import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Bytes of all files under `dir` (allocated size would flatter sparse files; this is the logical size). */
export function dirSizeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += dirSizeBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}
