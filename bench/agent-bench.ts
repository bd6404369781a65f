import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startAgentProcess, startCentralProcess, startRawSinkProcess, type StitchProcess } from './central-process.ts';
import { onExit } from './exit-cleanup.ts';
import { startFreshnessProbe, type FreshnessResult } from './freshness-probe.ts';
import { HttpClients, type HttpClient } from './http-client.ts';
import { runIngestLoad, type LoadResult } from './ingest-load.ts';
import { payloadForRound, type PayloadPool } from './otlp-load.ts';
import { cpuSeconds, peakRssBytes } from './proc-stats.ts';

export interface AgentSpec {
  warmupSeconds: number;
  seconds: number;
  concurrency: number;
  /** The steady load (spans/s) under which export → queryable is timed through agent and central. */
  freshnessLoadSpansPerSecond: number;
  freshnessSeconds: number;
  freshnessSamples: number;
}

export interface AgentResult {
  /** The same load posted straight to the do-nothing sink: what HTTP alone allows on this machine. */
  raw: LoadResult;
  /** Posted to the agent (200 = checked and spooled), forwarded by it to the do-nothing sink. */
  agent: LoadResult;
  forwardedSpansPerSecond: number;
  /** Batches still in the spool when the load stopped, and whether every acknowledged batch reached the sink after. */
  spoolBacklogAtEnd: number;
  allForwarded: boolean;
  agentPeakRssBytes: number;
  agentCoresUsed: number;
  /** Agent and central (DuckDB), a steady load through the agent, probes timed from the agent's 200 to central's answer. */
  endToEnd: { loadSpansPerSecond: number; freshness: FreshnessResult };
}

interface SinkCount {
  requests: number;
  bytes: number;
}

export async function runAgentBench(pool: PayloadPool, spec: AgentSpec, seed: number, progress: (message: string) => void): Promise<AgentResult> {
  const dir = mkdtempSync(join(tmpdir(), 'stitch-bench-agent-'));
  const forgetDir = onExit(() => rmSync(dir, { recursive: true, force: true }));
  const running: StitchProcess[] = [];
  const clients = new HttpClients();
  const client = (url: string, connections: number) => clients.open(url, connections);
  try {
    const sink = await startRawSinkProcess();
    running.push(sink);
    const sinkClient = client(sink.url, 1);
    const countAtSink = async () => (await sinkClient.getJson<SinkCount>('/count')).json!;
    const load = { concurrency: spec.concurrency, warmupMs: spec.warmupSeconds * 1_000, durationMs: spec.seconds * 1_000 };

    progress(`agent: raw baseline, the load posted straight to a do-nothing sink for ${spec.warmupSeconds} + ${spec.seconds} s`);
    const raw = await runIngestLoad(client(sink.url, spec.concurrency), pool, load);

    progress(`agent: the same load through stitch agent (check, gzip, fsync'd spool) forwarding to that sink`);
    const spoolDir = join(dir, 'spool');
    const agent = await startAgentProcess({ sinkUrl: sink.url, token: 'bench', spoolDir });
    running.push(agent);
    let window = { sink: { requests: 0, bytes: 0 }, cpu: 0, at: 0 };
    let forwardedSpansPerSecond = 0;
    let agentCoresUsed = 0;
    const spansPerRequest = pool.spanCount / pool.payloads.length;
    const before = await countAtSink();
    const agentLoad = await runIngestLoad(client(agent.url, spec.concurrency), pool, {
      ...load,
      onMeasureStart: () => void countAtSink().then((sink) => (window = { sink, cpu: cpuSeconds(agent.pid), at: performance.now() })),
      onMeasureEnd: () =>
        void countAtSink().then((sink) => {
          const seconds = (performance.now() - window.at) / 1_000;
          forwardedSpansPerSecond = Math.round(((sink.requests - window.sink.requests) * spansPerRequest) / seconds);
          agentCoresUsed = Math.round(((cpuSeconds(agent.pid) - window.cpu) / seconds) * 100) / 100;
        }),
    });
    const spoolBacklogAtEnd = readdirSync(spoolDir).length;
    const deadline = Date.now() + 60_000;
    while (readdirSync(spoolDir).length > 0 && Date.now() < deadline) await sleep(100);
    const forwardedRequests = (await countAtSink()).requests - before.requests;
    const agentPeakRssBytes = peakRssBytes(agent.pid);
    await agent.stop();

    progress(`agent: export -> queryable through agent and central at ${spec.freshnessLoadSpansPerSecond} spans/s for ${spec.freshnessSeconds} s`);
    const endToEnd = await timeExportToQueryable(pool, spec, seed, join(dir, 'central'), join(dir, 'spool-2'), running, client);
    return {
      raw,
      agent: agentLoad,
      forwardedSpansPerSecond,
      spoolBacklogAtEnd,
      allForwarded: forwardedRequests === agentLoad.totalRequests && agentLoad.non200 === 0,
      agentPeakRssBytes,
      agentCoresUsed,
      endToEnd,
    };
  } finally {
    clients.closeAll();
    for (const process of running.reverse()) await process.stop();
    rmSync(dir, { recursive: true, force: true });
    forgetDir();
  }
}

/** A steady (open-loop) load through a linked agent into a real central, with freshness probes alongside. */
async function timeExportToQueryable(
  pool: PayloadPool,
  spec: AgentSpec,
  seed: number,
  dataDir: string,
  spoolDir: string,
  running: StitchProcess[],
  client: (url: string, connections: number) => HttpClient,
): Promise<AgentResult['endToEnd']> {
  const central = await startCentralProcess({ dataDir, decodeWorkers: 1 });
  running.push(central);
  const api = client(central.url, 1);
  const post = async (path: string, body: unknown) =>
    JSON.parse((await api.post(path, Buffer.from(JSON.stringify(body)), 'application/json')).body.toString('utf8')) as Record<string, { id: string }> & { token: string };
  const sink = (await post('/api/sinks', { name: 'bench', allowedAccounts: ['*'], types: ['traces'] })).sink!;
  const { token } = await post(`/api/sinks/${sink.id}/links`, { accountId: '444444444444', accountName: 'payments', requestsPerSecond: 10_000 });
  const agent = await startAgentProcess({ sinkUrl: central.url, token, spoolDir });
  running.push(agent);

  const loadClient = client(agent.url, 4);
  const spansPerRequest = pool.spanCount / pool.payloads.length;
  const intervalMs = (1_000 * spansPerRequest) / spec.freshnessLoadSpansPerSecond;
  const until = performance.now() + spec.freshnessSeconds * 1_000;
  const probe = startFreshnessProbe(client(agent.url, 1), { intervalMs: (spec.freshnessSeconds * 1_000) / spec.freshnessSamples, seed: seed + 2, queryClient: client(central.url, 1) });
  const inFlight: Array<Promise<unknown>> = [];
  let sentSpans = 0;
  for (let i = 0, next = performance.now(); performance.now() < until; i++, next += intervalMs) {
    const payload = pool.payloads[i % pool.payloads.length]!;
    inFlight.push(loadClient.post('/v1/traces', payloadForRound(payload, 1_000 + Math.floor(i / pool.payloads.length)), 'application/x-protobuf'));
    sentSpans += payload.spanCount;
    const wait = next + intervalMs - performance.now();
    if (wait > 0) await sleep(wait);
  }
  await Promise.all(inFlight);
  const freshness = await probe.stop();
  return { loadSpansPerSecond: Math.round(sentSpans / spec.freshnessSeconds), freshness };
}
