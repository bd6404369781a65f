import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES_IN_FLIGHT, DEFAULT_MAX_SPANS_PER_REQUEST } from '@stitch/http';
import type { Command } from 'commander';
import { CliError } from '../api-client.ts';
import { collect, integerOption } from './options.ts';

export interface CentralCommandOptions {
  data: string;
  memory?: boolean;
  port: number;
  host: string;
  accountId: string;
  accountLabel?: string;
  maxBodyBytes: number;
  maxBodyBytesInFlight: number;
  maxSpansPerRequest: number;
  maxSpansPerTrace: number;
  queryBudgetMs: number;
  readsPerCredential: number;
  decodeWorkers: number;
  duckdbThreads?: number;
  health?: string;
  federationTimeoutMs: number;
  federationAllow: string[];
  tailSampling?: string;
  adminTokenFile?: string;
  readTokenFile?: string;
  insecure?: boolean;
  clickhouse?: string;
  clickhouseCluster: string;
  clickhouseDatabase: string;
  retentionDays?: number;
  alarmEvaluateMs?: number;
  grpcPort: number;
  /** true: the flag without a port (3200). */
  tempoPort?: number | true;
}

const hostPort = (host: string, port: number) => `${host.includes(':') ? `[${host}]` : host}:${port}`;

export function registerCentralCommand(program: Command): void {
  program
    .command('central')
    .description('run central, the observability account: OTLP ingest, storage and the query API')
    .option('--data <dir>', 'directory of the embedded DuckDB store', '.stitch-data')
    .option('--memory', 'keep everything in memory (a throw-away store for tests)')
    .option('--clickhouse <urls>', 'store spans in ClickHouse instead: its HTTP URL, or one per shard separated by commas (password: STITCH_CLICKHOUSE_PASSWORD)')
    .option('--clickhouse-cluster <name>', "the cluster's name in the servers' remote_servers, with several URLs", 'stitch')
    .option('--clickhouse-database <name>', 'ClickHouse database of the tables (created when missing)', 'stitch')
    .option('--retention-days <n>', 'with --clickhouse: whole days of spans kept (default: all)', integerOption('--retention-days'))
    .option('--port <n>', 'HTTP port', integerOption('--port'), 8700)
    .option('--grpc-port <n>', 'OTLP/gRPC port (0: none; the default is passed over, with a notice, when taken)', integerOption('--grpc-port'), 4317)
    .option('--tempo-port [n]', "serve Tempo's HTTP query API here, for Grafana's Tempo data source (default port 3200; off without the flag)", integerOption('--tempo-port'))
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--account-id <id>', 'account of spans posted directly to central', 'local')
    .option('--account-label <label>', 'label of that account (defaults to the id)')
    .option('--max-body-bytes <n>', 'largest accepted request body, after decompression', integerOption('--max-body-bytes'), DEFAULT_MAX_BODY_BYTES)
    .option('--max-body-bytes-in-flight <n>', 'bytes of request bodies read and decoded at once; past it 503 with Retry-After', integerOption('--max-body-bytes-in-flight'), DEFAULT_MAX_BODY_BYTES_IN_FLIGHT)
    .option('--max-spans-per-request <n>', 'more spans in one request is a 413', integerOption('--max-spans-per-request'), DEFAULT_MAX_SPANS_PER_REQUEST)
    .option('--max-spans-per-trace <n>', "a trace's spans past this many are refused", integerOption('--max-spans-per-trace'), 100_000)
    .option('--query-budget-ms <n>', 'how long one read request may take; past it its queries are cancelled (422)', integerOption('--query-budget-ms'), 10_000)
    .option('--reads-per-credential <n>', 'reads of one credential that run at once; more wait briefly, then 429', integerOption('--reads-per-credential'), 2)
    .option('--decode-workers <n>', 'worker threads decoding OTLP (0 = main thread)', integerOption('--decode-workers'), 2)
    .option('--duckdb-threads <n>', "the embedded store's threads (default: one per core; fewer: more ingest, slower searches)", integerOption('--duckdb-threads'))
    .option('--tail-sampling <json>', 'store only the traces tail policies keep, e.g. \'{"slowerThan": [{"thresholdMs": 2000}], "probability": 0.05}\' (see docs/sampling.md)')
    .option('--admin-token-file <file>', 'file holding the admin token (or STITCH_ADMIN_TOKEN): with it, every call needs a credential')
    .option('--read-token-file <file>', 'file holding the read token for queries and the console (or STITCH_READ_TOKEN)')
    .option('--insecure', 'listen on a non-loopback address with no admin token')
    .option('--federation-allow <entry>', 'federated mode: a read URL central may contact (and send link tokens to): an exact URL, host:port, an address or a CIDR; repeatable, or STITCH_FEDERATION_ALLOW (comma-separated). Nothing by default', collect, [])
    .option('--federation-timeout-ms <n>', 'how long a read waits for a federated account (stitch agent --store) before answering without it', integerOption('--federation-timeout-ms'), 3000)
    .option('--alarm-evaluate-ms <n>', 'how often every alarm rule is evaluated (default 60000)', integerOption('--alarm-evaluate-ms'))
    .option('--health <json>', 'service-map health thresholds, e.g. \'{"redFaultRate": 0.1, "yellowP99Ms": 2000}\' (see docs/service-map.md)')
    .action(async (options: CentralCommandOptions, command: Command) => {
      await runCentral(options, command.getOptionValueSource('grpcPort') === 'default');
    });
}

/** `grpcPortByDefault`: --grpc-port was not given, so a taken 4317 is passed over. */
async function runCentral(options: CentralCommandOptions, grpcPortByDefault: boolean): Promise<void> {
  // Loaded here, not at the top: every other command starts without DuckDB and the servers.
  const { dataFile, openCentralState, parseHealthThresholds, startCentral } = await import('@stitch/central');
  const { parseTailPolicies } = await import('@stitch/sampling');
  let health;
  let tailSampling;
  let adminToken;
  let readToken;
  const federationAllow = [...options.federationAllow, ...(process.env.STITCH_FEDERATION_ALLOW ?? '').split(',').map((entry) => entry.trim()).filter(Boolean)];
  try {
    health = options.health === undefined ? undefined : parseHealthThresholds(options.health);
    tailSampling = options.tailSampling === undefined ? undefined : parseTailPolicies(options.tailSampling);
    adminToken = tokenFrom('--admin-token-file', options.adminTokenFile, 'STITCH_ADMIN_TOKEN');
    readToken = tokenFrom('--read-token-file', options.readTokenFile, 'STITCH_READ_TOKEN');
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  if (options.retentionDays !== undefined && options.clickhouse === undefined) throw new CliError('--retention-days needs --clickhouse (the embedded store keeps everything)');
  if (options.retentionDays !== undefined && options.retentionDays < 1) throw new CliError('--retention-days must be at least 1');
  const dir = options.memory ? null : resolve(options.data);
  if (dir !== null) mkdirSync(dir, { recursive: true });
  const path = dataFile(dir, 'store') ?? ':memory:';
  const store = options.clickhouse === undefined ? await openEmbeddedStore(path, options.duckdbThreads) : await openClickHouse(options);
  const storeName = options.clickhouse === undefined ? (options.memory ? 'in memory' : path) : `ClickHouse ${storeHosts(options.clickhouse)}`;
  const { alarmRules, ...state } = await openCentralState(dir);
  const central = await startCentral({
    store,
    port: options.port,
    ...(options.grpcPort === 0 ? {} : { grpc: { port: options.grpcPort, ifFree: grpcPortByDefault } }),
    ...(options.tempoPort === undefined ? {} : { tempo: { port: options.tempoPort === true ? 3200 : options.tempoPort } }),
    host: options.host,
    defaultAccount: { id: options.accountId, label: options.accountLabel ?? options.accountId },
    maxBodyBytes: options.maxBodyBytes,
    maxBodyBytesInFlight: options.maxBodyBytesInFlight,
    maxSpansPerRequest: options.maxSpansPerRequest,
    maxSpansPerTrace: options.maxSpansPerTrace,
    queryBudgetMs: options.queryBudgetMs,
    readsPerCredential: options.readsPerCredential,
    decodeWorkers: options.decodeWorkers,
    ...state,
    ...(adminToken === undefined ? {} : { adminToken }),
    ...(readToken === undefined ? {} : { readToken }),
    insecure: options.insecure ?? false,
    ...(tailSampling ? { tailSampling } : {}),
    ...(health ? { serviceMap: { health } } : {}),
    federation: { timeoutMs: options.federationTimeoutMs, allowReadUrls: federationAllow },
    alarms: { registry: alarmRules, ...(options.alarmEvaluateMs === undefined ? {} : { evaluateEveryMs: options.alarmEvaluateMs }) },
  }).catch((error: Error) => {
    // A bad allow-list entry is the user's to fix: said as the flag, not as a stack trace.
    if (error.message.startsWith('federation.allowReadUrls: ')) throw new CliError(`--federation-allow / STITCH_FEDERATION_ALLOW: ${error.message.slice('federation.allowReadUrls: '.length)}`);
    throw error;
  });
  console.log(`stitch central listening on ${central.url} (store: ${storeName})`);
  console.log(`  OTLP/HTTP: POST ${central.url}/v1/traces${central.grpcPort === null ? '' : `   OTLP/gRPC: ${hostPort(options.host, central.grpcPort)}`}   API: ${central.url}/api/health`);
  if (central.tempoPort !== null) console.log(`  Tempo API (Grafana's Tempo data source): http://${hostPort(options.host, central.tempoPort)}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping central`);
    await central.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

async function openEmbeddedStore(path: string, threads: number | undefined) {
  const { openDuckDbStore } = await import('@stitch/store-duckdb');
  return openDuckDbStore({ path, ...(threads === undefined ? {} : { threads }) });
}

async function openClickHouse(options: CentralCommandOptions) {
  const { openClickHouseStore } = await import('@stitch/store-clickhouse');
  try {
    return await openClickHouseStore({
      urls: options.clickhouse!.split(',').map((url) => url.trim()).filter(Boolean),
      cluster: options.clickhouseCluster,
      database: options.clickhouseDatabase,
      ...(process.env.STITCH_CLICKHOUSE_PASSWORD ? { password: process.env.STITCH_CLICKHOUSE_PASSWORD } : {}),
      ...(options.retentionDays === undefined ? {} : { retentionDays: options.retentionDays }),
    });
  } catch (error) {
    throw new CliError(`--clickhouse: ${(error as Error).message}`);
  }
}

/** Where the spans go, for the start-up line: hosts only, never a password from a URL. */
function storeHosts(urls: string): string {
  return urls
    .split(',')
    .map((url) => {
      try {
        return new URL(url.trim()).host;
      } catch {
        return '?';
      }
    })
    .join(', ');
}

/** A token from its file (first line) or else the environment: never from the command line, where `ps` shows it. */
function tokenFrom(flag: string, file: string | undefined, variable: string): string | undefined {
  if (file === undefined) return process.env[variable] || undefined;
  try {
    return readFileSync(file, 'utf8').split('\n')[0]!.trim();
  } catch (error) {
    throw new Error(`${flag}: cannot read ${file} (${(error as Error).message})`);
  }
}
