import { LinkRegistry } from '@stitch/central';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { startAgent, type RunningAgent } from '@stitch/agent';
import { ACCOUNTS } from '@stitch/test-support/fixtures';
import type { Span } from '@stitch/model';
import type { TraceStore } from '@stitch/store';
import { openDuckDbStore } from '@stitch/store-duckdb';
import { spansToOtlpJson } from '@stitch/wire';

export type AccountKey = keyof typeof ACCOUNTS;
export const ACCOUNT_KEYS = Object.keys(ACCOUNTS) as AccountKey[];

export interface LinkedAccount {
  key: AccountKey;
  linkId: string;
  token: string;
  agent: RunningAgent;
}

export interface Federation {
  central: TestCentral;
  /** Central's own store: the piped accounts' spans. */
  store: TraceStore;
  registry: LinkRegistry;
  accounts: Map<AccountKey, LinkedAccount>;
  /** Sends each span to its account's agent, and waits until every service map and every span metric has settled at central. */
  send(traces: Span[][]): Promise<void>;
  get(path: string): Promise<{ status: number; body: any }>;
  /** Stops one account's agent (its read API goes away with it). */
  stopAgent(key: AccountKey): Promise<void>;
  stop(): Promise<void>;
}

const HEARTBEAT_MS = 100;

/**
 * A real central and the five checkout accounts' real agents on loopback: those in `federated`
 * keep their spans in their own (DuckDB) store and serve reads; the others pipe them to central.
 */
export async function startFederation(federated: readonly AccountKey[], options: { timeoutMs?: number } = {}): Promise<Federation> {
  const registry = await LinkRegistry.open(null);
  const store = await openDuckDbStore({ path: ':memory:' });
  const central = await startTestCentral({
    store,
    links: registry,
    serviceMap: { pairWaitMs: 60_000, flushEveryMs: 60_000 },
    // Every agent here reads on a free loopback port: central is told to allow loopback, as a user would.
    federation: { timeoutMs: options.timeoutMs ?? 10_000, heartbeatMs: HEARTBEAT_MS, allowReadUrls: ['127.0.0.1/32'] },
  });
  const sink = await registry.createSink({ name: 'observability', allowedAccounts: ['*'], types: ['traces'] });
  const accounts = new Map<AccountKey, LinkedAccount>();
  for (const key of ACCOUNT_KEYS) {
    const account = ACCOUNTS[key];
    const { link, token } = await registry.createLink(sink.id, { accountId: account.id, accountName: account.label, types: ['traces'], labelTemplate: '$AccountName' });
    const agent = await startAgent({
      account: { id: account.id, name: account.label },
      sinkUrl: central.url,
      token,
      port: 0,
      udpPort: 0,
      samplingPort: 0,
      log: () => {},
      drainOnCloseMs: 2_000,
      ...(federated.includes(key) && { storeDir: ':memory:', readPort: 0, heartbeatMs: HEARTBEAT_MS, serviceMap: { pairWaitMs: 60_000 } }),
    });
    accounts.set(key, { key, linkId: link.id, token, agent });
  }
  await until(async () => (await getJson(central.url, '/api/federation')).body.members.length === federated.length, 'every federated agent registered');

  return {
    central,
    store,
    registry,
    accounts,
    async send(traces) {
      for (const { key, agent } of accounts.values()) {
        const own = traces.flat().filter((span) => span.account.id === ACCOUNTS[key].id);
        for (let i = 0; i < own.length; i += 2_000) {
          const response = await fetch(`${agent.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spansToOtlpJson(own.slice(i, i + 2_000))) });
          if (response.status !== 200) throw new Error(`agent ${key} answered ${response.status}: ${await response.text()}`);
        }
      }
      await settleServiceMaps([...accounts.values()].map(({ agent }) => agent), async () => {
        await central.flushServiceMap(true);
        await central.flushMetrics();
      });
    },
    get: (path) => getJson(central.url, path),
    async stopAgent(key) {
      const account = accounts.get(key)!;
      accounts.delete(key);
      await account.agent.close();
    },
    async stop() {
      await Promise.all([...accounts.values()].map(({ agent }) => agent.close()));
      await central.stop();
    },
  };
}

/**
 * Piped spans delivered to central's store; every federated agent's map settled and what it
 * could not pair, and its span metrics, handed to central; then central's map settled (`settleCentral`).
 */
export async function settleServiceMaps(agents: Iterable<RunningAgent>, settleCentral: () => Promise<void>, timeoutMs?: number): Promise<void> {
  for (const agent of agents) {
    if (agent.forwarder) await until(() => agent.forwarder!.whenIdle(), 'piped spans delivered', timeoutMs);
    if (agent.federated) {
      await agent.federated.kept.flushServiceMap(true);
      await until(() => agent.federated!.kept.unpaired.size === 0, 'unpaired spans handed to central', timeoutMs);
      await until(() => agent.federated!.kept.metrics.size === 0, 'span metrics handed to central', timeoutMs);
    }
  }
  await settleCentral();
}

export async function getJson(base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}${path}`, { headers });
  return { status: response.status, body: await response.json() };
}

export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
