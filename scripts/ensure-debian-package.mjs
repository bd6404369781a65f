// Some tests drive programs from Debian's packages (Chromium for the console, clickhouse-server for
// the scale-out store) that a fresh machine does not have. As root, the package is installed with
// apt (once); otherwise the reason is printed and those tests fail saying so.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** Installs `pkg` unless `binary` exists; `needed` says which tests fail without it. */
export function ensureDebianPackage(pkg, binary, needed) {
  if (existsSync(binary)) return;
  if (process.getuid?.() !== 0) {
    console.error(`${binary} is missing and this is not root: install it with \`sudo apt-get install ${pkg}\``);
    return;
  }
  console.error(`${binary} is missing: installing Debian's ${pkg} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', pkg], { stdio: 'inherit', env });
  // Success is the binary: a postinst refused by policy-rc.d (clickhouse-server's service start)
  // fails the install yet leaves the program, which the tests start themselves.
  install();
  if (!existsSync(binary)) {
    // The package lists of a fresh machine may be stale or empty.
    spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
    install();
  }
  if (!existsSync(binary)) console.error(`${pkg} could not be installed; ${needed} will fail`);
}
