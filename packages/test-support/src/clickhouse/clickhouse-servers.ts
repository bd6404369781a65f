// Starts real ClickHouse servers (Debian's clickhouse-server 18.16) on loopback for tests and
// benchmarks: one process per shard, each with its own directory and free ports. With more than one
// shard every server knows the cluster 'stitch', so a Distributed table works on any node.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../cli-process.ts';

/** The path scripts/run-tests.mjs installs it at (ensure-debian-package.mjs). */
export const CLICKHOUSE_SERVER = '/usr/sbin/clickhouse-server';
export const CLUSTER = 'stitch';

const READY_TIMEOUT_MS = 30_000;
const KILL_AFTER_MS = 10_000;

export interface ClickHouseServers {
  /** One HTTP URL per shard, e.g. http://127.0.0.1:PORT */
  urls: string[];
  /** 'stitch' when shards > 1, else null */
  cluster: string | null;
  dir: string;
  /** The server processes, for measuring their CPU time and memory. */
  pids: number[];
  stop(): Promise<void>;
}

interface Shard {
  dir: string;
  httpPort: number;
  tcpPort: number;
}

// 'exit' handlers must be synchronous: SIGKILL (and a best-effort rm of temporary directories) is all
// that can be done there, and it is enough to never leave servers behind when a test crashes or
// forgets stop().
const running = new Set<ChildProcess>();
const temporaryDirs = new Set<string>();
let exitHandlerInstalled = false;
function installExitHandler(): void {
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  process.on('exit', () => {
    for (const server of running) server.kill('SIGKILL');
    for (const dir of temporaryDirs) {
      try {
        rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      } catch {
        // best effort: a killed server may still be writing its log
      }
    }
  });
}
function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

/** Distinct free loopback ports (freePort never hands out one twice). */
async function freePorts(count: number): Promise<number[]> {
  return Promise.all(Array.from({ length: count }, () => freePort()));
}

function configXml(shard: Shard, all: Shard[]): string {
  const { dir } = shard;
  // Cluster shards name the native (TCP) ports; a server sees its own entry as local.
  const cluster =
    all.length > 1
      ? `  <remote_servers><${CLUSTER}>\n${all
          .map((s) => `    <shard><replica><host>127.0.0.1</host><port>${s.tcpPort}</port></replica></shard>`)
          .join('\n')}\n  </${CLUSTER}></remote_servers>\n`
      : '';
  // No interserver_http_port: it is only for replication, and its default would clash between shards.
  // Caches are kept small: two servers and the DuckDB tests share a 2-core CI machine.
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/server.err.log</errorlog><size>10M</size><count>1</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${shard.httpPort}</http_port>
  <tcp_port>${shard.tcpPort}</tcp_port>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  <!-- On SIGTERM the server waits for idle keep-alive connections to time out (default 10 s);
       2 s keeps stop() quick while fetch still reuses connections for 1 s. -->
  <keep_alive_timeout>2</keep_alive_timeout>
${cluster}</yandex>
`;
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>3000000000</max_memory_usage><max_threads>2</max_threads></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
`;

/** The last lines of the server's error log and stdout, for a failure message. */
function logTail(dir: string): string {
  return ['server.err.log', 'stdout.log']
    .map((name) => {
      const path = join(dir, name);
      if (!existsSync(path)) return `${name}: (none)`;
      const text = readFileSync(path, 'utf8').trimEnd();
      return `${name}:\n${text.split('\n').slice(-40).join('\n')}`;
    })
    .join('\n');
}

function startShard(shard: Shard, all: Shard[]): ChildProcess {
  mkdirSync(shard.dir, { recursive: true });
  writeFileSync(join(shard.dir, 'config.xml'), configXml(shard, all));
  writeFileSync(join(shard.dir, 'users.xml'), USERS_XML);
  const out = openSync(join(shard.dir, 'stdout.log'), 'a');
  const child = spawn(CLICKHOUSE_SERVER, [`--config-file=${join(shard.dir, 'config.xml')}`], {
    cwd: shard.dir,
    stdio: ['ignore', out, out],
  });
  closeSync(out); // the child holds its own copy
  track(child);
  // Not ref'd, so a test that never calls stop() still ends (and the 'exit' handler kills the server).
  child.unref();
  return child;
}

/** Resolves once the server answers SELECT 1 over HTTP; rejects on timeout or early exit. */
async function waitReady(child: ChildProcess, shard: Shard): Promise<void> {
  const url = `http://127.0.0.1:${shard.httpPort}/?query=SELECT%201`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exitCode: number | string | null = null;
  const onExit = (code: number | null, signal: string | null) => (exitCode = code ?? signal);
  child.once('exit', onExit);
  try {
    while (Date.now() < deadline) {
      if (exitCode !== null) {
        throw new Error(`clickhouse-server in ${shard.dir} exited (${exitCode}) before answering:\n${logTail(shard.dir)}`);
      }
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
        if (response.ok && (await response.text()).trim() === '1') return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`clickhouse-server in ${shard.dir} did not answer SELECT 1 on port ${shard.httpPort} within ${READY_TIMEOUT_MS} ms:\n${logTail(shard.dir)}`);
  } finally {
    child.off('exit', onExit);
  }
}

/** SIGTERM, then SIGKILL if the server has not exited after KILL_AFTER_MS. */
function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    // This ref'd timer also keeps the event loop alive while waiting for the (unref'd) child.
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startClickHouse(options: { shards: number; dir?: string; keepData?: boolean }): Promise<ClickHouseServers> {
  if (!existsSync(CLICKHOUSE_SERVER)) {
    throw new Error(`${CLICKHOUSE_SERVER} is missing: install it with \`apt-get install clickhouse-server\` (\`npm test\` does so as root)`);
  }
  if (!Number.isInteger(options.shards) || options.shards < 1) throw new Error(`shards must be a positive integer, got ${options.shards}`);

  // A given directory is the caller's: it is kept, like keepData, so its data can be reused.
  // Test servers hold little: in memory where there is a tmpfs (each insert writes a part's files).
  const dir = options.dir ?? mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'clickhouse-'));
  const remove = !options.dir && !options.keepData;
  installExitHandler();
  if (remove) temporaryDirs.add(dir);
  const ports = await freePorts(options.shards * 2);
  const shards: Shard[] = Array.from({ length: options.shards }, (_, i) => ({
    dir: join(dir, `shard-${i}`),
    httpPort: ports[2 * i]!,
    tcpPort: ports[2 * i + 1]!,
  }));

  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map(stopProcess));
    if (remove) {
      rmSync(dir, { recursive: true, force: true });
      temporaryDirs.delete(dir);
    }
  };

  try {
    for (const shard of shards) children.push(startShard(shard, shards));
    const started = await Promise.allSettled(shards.map((shard, i) => waitReady(children[i]!, shard)));
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    urls: shards.map((shard) => `http://127.0.0.1:${shard.httpPort}`),
    cluster: options.shards > 1 ? CLUSTER : null,
    dir,
    pids: children.map((child) => child.pid!),
    stop,
  };
}
