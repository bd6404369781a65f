// The ClickHouse tests and benchmarks start Debian's clickhouse-server (18.16); a fresh machine does
// not have it. As root, it is installed with apt (once); otherwise the reason is printed and the
// ClickHouse tests fail saying so. The package's postinst may try to start the system service and be
// refused by policy-rc.d: that is fine, the harness starts its own servers and never uses the service.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export const CLICKHOUSE_SERVER = '/usr/sbin/clickhouse-server';

export function ensureClickHouse() {
  if (existsSync(CLICKHOUSE_SERVER)) return;
  if (process.getuid?.() !== 0) {
    console.error(`${CLICKHOUSE_SERVER} is missing and this is not root: install it with \`sudo apt-get install clickhouse-server\``);
    return;
  }
  console.error(`${CLICKHOUSE_SERVER} is missing: installing Debian's clickhouse-server with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0;
  // A failing postinst (service start refused) still leaves the binary, so success is the binary.
  if (!run(['install', '-y', 'clickhouse-server']) && !existsSync(CLICKHOUSE_SERVER)) {
    // The package lists of a fresh machine may be stale or empty.
    run(['update']);
    run(['install', '-y', 'clickhouse-server']);
  }
  if (!existsSync(CLICKHOUSE_SERVER)) console.error('clickhouse-server could not be installed; the ClickHouse tests will fail');
}
