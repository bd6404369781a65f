import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgent, type RunningAgent } from '@stitch/agent';
import type { Account, Span } from '@stitch/model';
import { spansToOtlpJson } from '@stitch/wire';
import { dirSizeBytes } from './dir-size.ts';
import { onExit } from './exit-cleanup.ts';
import { startCentralChild, type CentralChild } from './federation-central.ts';
import { BLOCKS } from './federation-traffic.ts';
import { settleServiceMaps, until } from '../test/federation/federated-accounts.ts';

// The two ways of running the five accounts that the federation phase compares, built from the
// same spans on this machine's loopback:
// - pipeline: one central (a DuckDB file) stores every span; the spans are posted to its
//   /v1/traces with each account's link token, as the accounts' agents forward them.
// - federated: central (in memory, holding nothing) and five real agents in federated mode, each
//   keeping its account's spans in a DuckDB file of its own and serving central's reads; the
//   spans are posted to each agent's OTLP port. The agents run in this process, as
//   test/federation's harness runs them (their maps are settled through their objects): their
//   read APIs share one JavaScript thread, where deployed agents each have their own machine.
// Central runs in a child process either way (federation-central.ts).
// Both get the traces oldest first, a chunk at a time (every account's part of the chunk in
// parallel), and settle their service maps after each sixth of the hour (ten minutes of traffic):
// agents hand central what they cannot pair, central pairs it across accounts.

/** How long a call waits for its callee before it is counted alone: longer than a fill, the bench settles before. */
const PAIR_WAIT_MS = 600_000;
const HEARTBEAT_MS = 500;
/** Central's wait for an account's answer (the CLI's default). */
const READ_TIMEOUT_MS = 3_000;
/** The agents read on free loopback ports of this machine: central allows loopback, as a user would. */
const LOOPBACK_AGENTS = ['127.0.0.1/32'];
/** Traces per chunk: ~8,500 spans, 1,000 to 3,500 per account and request. */
const CHUNK_TRACES = 500;
const SETTLE_TIMEOUT_MS = 120_000;

export type SetupName = 'pipeline' | 'federated';

export interface FillResult {
  method: string;
  seconds: number;
  spansPerSecond: number;
  requests: number;
}

export interface Setup {
  name: SetupName;
  /** Central's query API. */
  url: string;
  centralPid: number;
  fill: FillResult;
  /** Every DuckDB file holding spans: central's (pipeline), the five agents' (federated). */
  bytesOnDisk: number;
  /** Lines the agents logged (warnings: refused heartbeats, dropped unpaired spans). */
  agentLog: string[];
  stop(): Promise<void>;
}

export const FILL_METHODS: Record<SetupName, string> = {
  pipeline:
    "OTLP/JSON POSTs to central's /v1/traces with each account's link token (central decodes, stores and counts its map as from piped agents); map settled after every 10 minutes of traffic",
  federated:
    "OTLP/JSON POSTs to each federated agent's OTLP port (the agent checks, stores in its DuckDB file and counts its own map); agent maps settled and their unpaired calls handed to central by heartbeat after every 10 minutes of traffic",
};

interface Sending {
  account: Account;
  url: string;
  headers: Record<string, string>;
}

async function postJson<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** One sink, and a link per account: the tokens by account id. */
async function linkAccounts(centralUrl: string, accounts: readonly Account[]): Promise<Map<string, string>> {
  const { sink } = await postJson<{ sink: { id: string } }>(`${centralUrl}/api/sinks`, { name: 'bench', allowedAccounts: accounts.map((a) => a.id), types: ['traces'] });
  const tokens = new Map<string, string>();
  for (const account of accounts) {
    const { token } = await postJson<{ token: string }>(`${centralUrl}/api/sinks/${sink.id}/links`, { accountId: account.id, accountName: account.label, types: ['traces'], labelTemplate: '$AccountName' });
    tokens.set(account.id, token);
  }
  return tokens;
}

/** OTLP's partial success: spans the receiver refused though it answered 200. */
function rejectedSpans(answer: string): number {
  try {
    return Number((JSON.parse(answer) as { partialSuccess?: { rejectedSpans?: string | number } }).partialSuccess?.rejectedSpans ?? 0);
  } catch {
    return 0;
  }
}

/**
 * Sends the traces a chunk at a time, every account's part of a chunk in parallel, and calls
 * `settle` after each sixth of them and at the end. Returns the POSTs made.
 */
async function sendTraces(traces: readonly Span[][], sendings: readonly Sending[], settle: () => Promise<void>, progress: (message: string) => void): Promise<number> {
  let requests = 0;
  const settleEvery = Math.ceil(traces.length / BLOCKS);
  let nextSettle = settleEvery;
  for (let from = 0; from < traces.length; ) {
    const to = Math.min(traces.length, from + CHUNK_TRACES, nextSettle);
    const spans = traces.slice(from, to).flat();
    await Promise.all(
      sendings.map(async ({ account, url, headers }) => {
        const own = spans.filter((span) => span.account.id === account.id);
        if (own.length === 0) return;
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(spansToOtlpJson(own)) });
        const answer = await response.text();
        if (response.status !== 200 || rejectedSpans(answer) > 0) throw new Error(`POST ${url} (${account.label}, ${own.length} spans): ${response.status} ${answer.slice(0, 300)}`);
        requests++;
      }),
    );
    from = to;
    if (from === nextSettle || from === traces.length) {
      await settle();
      nextSettle += settleEvery;
      progress(`  ${from.toLocaleString('en-US')} / ${traces.length.toLocaleString('en-US')} traces in, service maps settled`);
    }
  }
  return requests;
}

async function timedFill(name: SetupName, fill: () => Promise<number>, spanCount: number): Promise<FillResult> {
  const started = performance.now();
  const requests = await fill();
  const seconds = (performance.now() - started) / 1_000;
  return { method: FILL_METHODS[name], seconds: Math.round(seconds * 10) / 10, spansPerSecond: Math.round(spanCount / seconds), requests };
}

/** A temporary directory removed when the setup stops, or when the bench exits. */
function workDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const forget = onExit(remove);
  return {
    dir,
    remove: () => {
      remove();
      forget();
    },
  };
}

export async function startPipelineSetup(
  traces: readonly Span[][],
  accounts: readonly Account[],
  spanCount: number,
  decodeWorkers: number,
  progress: (message: string) => void,
): Promise<Setup> {
  const work = workDir('stitch-bench-pipeline-');
  const storePath = join(work.dir, 'stitch.duckdb');
  let central: CentralChild | null = null;
  try {
    central = await startCentralChild({ storePath, decodeWorkers, federation: { timeoutMs: READ_TIMEOUT_MS, heartbeatMs: HEARTBEAT_MS, allowReadUrls: LOOPBACK_AGENTS }, pairWaitMs: PAIR_WAIT_MS });
    const tokens = await linkAccounts(central.url, accounts);
    const sendings = accounts.map((account) => ({ account, url: `${central!.url}/v1/traces`, headers: { authorization: `Bearer ${tokens.get(account.id)!}` } }));
    const running = central;
    const fill = await timedFill('pipeline', () => sendTraces(traces, sendings, () => running.settleServiceMap(), progress), spanCount);
    return {
      name: 'pipeline',
      url: central.url,
      centralPid: central.pid,
      fill,
      bytesOnDisk: dirSizeBytes(work.dir),
      agentLog: [],
      async stop() {
        await running.stop();
        work.remove();
      },
    };
  } catch (error) {
    await central?.stop();
    work.remove();
    throw error;
  }
}

export async function startFederatedSetup(
  traces: readonly Span[][],
  accounts: readonly Account[],
  spanCount: number,
  decodeWorkers: number,
  progress: (message: string) => void,
): Promise<Setup> {
  const work = workDir('stitch-bench-federated-');
  const agentLog: string[] = [];
  const agents: RunningAgent[] = [];
  let central: CentralChild | null = null;
  const stopAll = async () => {
    await Promise.all(agents.map((agent) => agent.close()));
    await central?.stop();
    work.remove();
  };
  try {
    central = await startCentralChild({ storePath: ':memory:', decodeWorkers, federation: { timeoutMs: READ_TIMEOUT_MS, heartbeatMs: HEARTBEAT_MS, allowReadUrls: LOOPBACK_AGENTS }, pairWaitMs: PAIR_WAIT_MS });
    const running = central;
    const tokens = await linkAccounts(central.url, accounts);
    for (const account of accounts) {
      const storeDir = join(work.dir, account.label);
      mkdirSync(storeDir, { recursive: true });
      agents.push(
        await startAgent({
          account: { id: account.id, name: account.label },
          sinkUrl: central.url,
          token: tokens.get(account.id)!,
          port: 0,
          udpPort: 0,
          samplingPort: 0,
          storeDir,
          readPort: 0,
          heartbeatMs: HEARTBEAT_MS,
          serviceMap: { pairWaitMs: PAIR_WAIT_MS },
          log: (message) => agentLog.push(`${account.label}: ${message}`),
        }),
      );
    }
    const members = async () => ((await (await fetch(`${running.url}/api/federation`)).json()) as { members: unknown[] }).members.length;
    await until(async () => (await members()) === accounts.length, 'every agent registered with central', SETTLE_TIMEOUT_MS);
    const sendings = accounts.map((account, i) => ({ account, url: `${agents[i]!.otlpUrl}/v1/traces`, headers: {} }));
    // Each agent settles its own map; what it cannot pair goes to central with its heartbeats; then central settles.
    const settle = () => settleServiceMaps(agents, () => running.settleServiceMap(), SETTLE_TIMEOUT_MS);
    const fill = await timedFill('federated', () => sendTraces(traces, sendings, settle, progress), spanCount);
    const dropped = agents.reduce((sum, agent) => sum + agent.federated!.kept.unpaired.dropped, 0);
    if (dropped > 0) agentLog.push(`${dropped} unpaired calls dropped by the agents (their map would lack them)`);
    return { name: 'federated', url: central.url, centralPid: central.pid, fill, bytesOnDisk: dirSizeBytes(work.dir), agentLog, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
