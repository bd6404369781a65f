import { mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

/** Where a demo run keeps its store when not told: emptied at every start. */
export const DEFAULT_DEMO_DATA_DIR = '.stitch-data/demo';

/**
 * The demo's data directory. A directory the user names is kept as it is (its earlier runs stay
 * in the store); without one, `.stitch-data/demo` is emptied first, so a run never shows the
 * traffic, the agents' spools or the findings of an earlier one.
 */
export function prepareDemoDataDir(dataDir: string | undefined, cwd = process.cwd()): { dir: string; fresh: boolean } {
  const fresh = dataDir === undefined;
  const dir = resolve(cwd, dataDir ?? DEFAULT_DEMO_DATA_DIR);
  if (fresh) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return { dir, fresh };
}
