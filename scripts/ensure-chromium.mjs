// The console's tests drive Debian's Chromium; a fresh machine does not have it. As root, it is
// installed with apt (once); otherwise the reason is printed and the browser tests fail saying so.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export const CHROMIUM = '/usr/bin/chromium';

export function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0) {
    console.error(`${CHROMIUM} is missing and this is not root: install it with \`sudo apt-get install chromium\``);
    return;
  }
  console.error(`${CHROMIUM} is missing: installing Debian's chromium with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0;
  if (!run(['install', '-y', 'chromium'])) {
    // The package lists of a fresh machine may be stale or empty.
    run(['update']);
    run(['install', '-y', 'chromium']);
  }
  if (!existsSync(CHROMIUM)) console.error('chromium could not be installed; the console tests will fail');
}
