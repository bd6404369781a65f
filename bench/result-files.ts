import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where every benchmark writes its figures (bench/README.md's tables are made from them). */
export const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

/** JSON with bigint as decimal strings (uint64 nanoseconds), as the API writes them. */
function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item), 2)}\n`;
}

/**
 * Writes bench/results/<name>.json through a .tmp file (ignored by git) and a rename, so an
 * interrupted run never leaves a half-written result to be committed. Returns the path, relative to the cwd.
 */
export function writeResultFile(name: string, report: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.json`);
  writeFileSync(`${path}.tmp`, toJson(report));
  renameSync(`${path}.tmp`, path);
  return relative(process.cwd(), path);
}
