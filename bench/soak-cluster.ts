import { join } from 'node:path';
import { freePort } from '@stitch/test-support/cli-process';
import { postJson } from './post-json.ts';
import { RestartableProcess } from './restartable-process.ts';
import type { SoakAccount } from './soak-traces.ts';
import { clickHouseSpanCopies, duckDbSpanCopies } from './stored-span-count.ts';
import type { CentralStore } from '@stitch/store';

// Central and one agent per account, as real `stitch` processes on loopback, on fixed ports so
// that a restarted process is found where the old one was.

export interface SoakCluster {
  dataDir: string;
  /** Where to count the stored spans once central is stopped. */
  spanCopies(): AsyncIterable<[string, number]>;
  /** Central's store, opened here once central is stopped (the caller closes it). */
  openStore(): Promise<CentralStore>;
  central: RestartableProcess;
  /** In the accounts' order, as are agentUrls and spoolDirs. */
  agents: RestartableProcess[];
  agentUrls: string[];
  spoolDirs: string[];
  /** Agents first (their spools are empty by then), then central, each stopped cleanly. */
  stop(): Promise<void>;
}

const CLICKHOUSE_DATABASE = 'soak';

/**
 * Starts central on `root`/central (its spans in DuckDB there, or in ClickHouse on these
 * servers), links every account to one sink, starts the agents.
 */
export async function startSoakCluster(root: string, accounts: readonly SoakAccount[], clickhouseUrls: readonly string[] = []): Promise<SoakCluster> {
  const dataDir = join(root, 'central');
  const centralUrl = `http://127.0.0.1:${await freePort()}`;
  const store = clickhouseUrls.length > 0 ? ['--clickhouse', clickhouseUrls.join(','), '--clickhouse-database', CLICKHOUSE_DATABASE] : [];
  const central = new RestartableProcess('central', ['central', '--data', dataDir, '--port', new URL(centralUrl).port, ...store], /listening on/);
  await central.start();
  const agents: RestartableProcess[] = [];
  try {
    const { sink } = await postJson<{ sink: { id: string } }>(`${centralUrl}/api/sinks`, { name: 'soak', allowedAccounts: accounts.map((a) => a.id), types: ['traces'] });
    const agentUrls: string[] = [];
    const spoolDirs: string[] = [];
    for (const account of accounts) {
      const { token } = await postJson<{ token: string }>(`${centralUrl}/api/sinks/${sink.id}/links`, { accountId: account.id, accountName: account.name, types: ['traces'], labelTemplate: '$AccountName' });
      const port = await freePort();
      const spoolDir = join(root, 'agents', account.name);
      const args = ['agent', '--account', account.id, '--name', account.name, '--sink', centralUrl, '--token', token, '--port', String(port), '--udp-port', '0', '--sampling-port', '0', '--spool', spoolDir];
      agents.push(new RestartableProcess(`agent ${account.name}`, args, /OTLP\/HTTP on/));
      agentUrls.push(`http://127.0.0.1:${port}`);
      spoolDirs.push(spoolDir);
    }
    await Promise.all(agents.map((agent) => agent.start()));
    return {
      dataDir,
      spanCopies: () => (clickhouseUrls.length > 0 ? clickHouseSpanCopies(clickhouseUrls, CLICKHOUSE_DATABASE) : duckDbSpanCopies(join(dataDir, 'stitch.duckdb'))),
      openStore: async () =>
        clickhouseUrls.length > 0
          ? (await import('@stitch/store-clickhouse')).openClickHouseStore({ urls: clickhouseUrls, database: CLICKHOUSE_DATABASE })
          : (await import('@stitch/store-duckdb')).openDuckDbStore({ path: join(dataDir, 'stitch.duckdb') }),
      central,
      agents,
      agentUrls,
      spoolDirs,
      async stop() {
        await Promise.all(agents.map((agent) => agent.stop(30_000)));
        // Closing checkpoints the store; SIGKILL only if that hangs (the count then replays the log).
        await central.stop(120_000);
      },
    };
  } catch (error) {
    await Promise.all([...agents, central].map((process) => process.stop(5_000)));
    throw error;
  }
}
