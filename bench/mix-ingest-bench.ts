import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startClickHouse } from '@stitch/test-support/clickhouse';
import { startAgentFleet, type AgentFleet } from './agent-fleet.ts';
import type { IngestSpec } from './bench-options.ts';
import { settledClickHouseSize } from './clickhouse-size.ts';
import { dirSizeBytes } from './dir-size.ts';
import { onExit } from './exit-cleanup.ts';
import { startFreshnessProbe, type RunningProbe } from './freshness-probe.ts';
import { HttpClients, type HttpClient } from './http-client.ts';
import { stageCosts, stagesSnapshot } from './ingest-stages.ts';
import { diskOverOtlp, LOG_TAIL_CHARS, round2, type IngestResult } from './ingest-bench.ts';
import { runIngestLoads } from './ingest-load.ts';
import { DelayingCursor } from './mix-load.ts';
import type { MixPayload, MixPool } from './mix-pool.ts';
import { Pacer } from './pacer.ts';
import { cpuSeconds, ownCpuSeconds, peakRssBytes } from './proc-stats.ts';
import { spoolSize } from './soak-sampler.ts';
import { SPOOL_DRAIN_LIMIT_MS, SpoolWatch, type SpoolTrend } from './spool-trend.ts';

// The ingest phase on the production-shaped mix: each account's payloads posted to its own
// `stitch agent` (200 = spooled), which forwards to central with gzip and an Idempotency-Key.
// Measured: what the agents acknowledge and what central stores per second, each spool over the
// window (flat or growing), central's memory and cores, bytes on disk against OTLP bytes, and
// freshness from an agent's 200 to central's answer.

interface ServicesAnswer {
  services: Array<{ spanCount: number }>;
}

interface StoredCount {
  spans: number;
  /** performance.now() of the count. */
  at: number;
}

async function storedSpans(client: HttpClient): Promise<StoredCount> {
  const asked = performance.now();
  const answer = await client.getJson<ServicesAnswer>('/api/services');
  if (answer.status !== 200 || !answer.json) throw new Error(`GET /api/services: HTTP ${answer.status}`);
  // The count is as of some moment during the request: its middle.
  return { spans: answer.json.services.reduce((sum, service) => sum + service.spanCount, 0), at: (asked + performance.now()) / 2 };
}

const spansOf = (payloads: readonly MixPayload[]) => payloads.reduce((sum, payload) => sum + payload.spanCount, 0);

async function drainSpools(fleet: AgentFleet): Promise<number | null> {
  const started = performance.now();
  while (fleet.agents.some((agent) => spoolSize(agent.spoolDir).batches > 0)) {
    if (performance.now() - started > SPOOL_DRAIN_LIMIT_MS) return null;
    await sleep(250);
  }
  return round2((performance.now() - started) / 1_000);
}

export async function runMixIngestBench(pool: MixPool, spec: IngestSpec, seed: number, progress: (message: string) => void): Promise<IngestResult> {
  const dir = mkdtempSync(join(tmpdir(), 'stitch-bench-mix-'));
  const forgetDir = onExit(() => rmSync(dir, { recursive: true, force: true }));
  const clickhouse = spec.clickhouseShards > 0 ? await startClickHouse({ shards: spec.clickhouseShards, dir: join(dir, 'clickhouse') }) : null;
  const fleet = await startAgentFleet({ dir, accounts: pool.streams.map((stream) => stream.account), decodeWorkers: spec.decodeWorkers, ...(clickhouse ? { clickhouseUrls: clickhouse.urls } : {}) });
  const clients = new HttpClients();
  const client = (url: string, connections: number) => clients.open(url, connections);
  try {
    const { central, agents } = fleet;
    const centralApi = client(central.url, 1);
    const offered = spec.offeredSpansPerSecond ?? 0;
    const streams = pool.streams.map((stream, i) => ({
      client: client(agents[i]!.process.url, spec.concurrency),
      source: new DelayingCursor(stream.payloads),
      ...(offered > 0 ? { pacer: new Pacer((offered * spansOf(stream.payloads)) / pool.spanCount) } : {}),
    }));
    const pids = () => ({ central: cpuSeconds(central.pid), agents: agents.map((agent) => cpuSeconds(agent.process.pid)), own: ownCpuSeconds(), servers: (clickhouse?.pids ?? []).reduce((sum, pid) => sum + cpuSeconds(pid), 0), at: performance.now() });
    let window = pids();
    let cores = { central: 0, agents: agents.map(() => 0), own: 0, servers: 0 };
    // Set by the window's hooks.
    const during: { storedAtStart?: Promise<StoredCount>; storedAtEnd?: Promise<StoredCount>; stagesAtStart?: ReturnType<typeof stagesSnapshot>; stagesAtEnd?: ReturnType<typeof stagesSnapshot>; probe?: RunningProbe; spools?: SpoolWatch; trends?: SpoolTrend[] } = {};

    progress(`mix: ${agents.length} agents, ${spec.concurrency} concurrent POSTs to each, ${offered > 0 ? `${offered.toLocaleString('en-US')} spans/s offered in all` : 'as fast as they answer'}, ${spec.warmupSeconds} + ${spec.seconds} s`);
    const load = await runIngestLoads(streams, {
      concurrency: spec.concurrency,
      warmupMs: spec.warmupSeconds * 1_000,
      durationMs: spec.seconds * 1_000,
      onMeasureStart: () => {
        window = pids();
        during.storedAtStart = storedSpans(centralApi);
        during.stagesAtStart = stagesSnapshot(centralApi);
        during.spools = new SpoolWatch(agents.map((agent) => agent.spoolDir));
        // Posted to the first agent, looked for at central: queryable after the agent's 200.
        during.probe = startFreshnessProbe(client(agents[0]!.process.url, 1), { intervalMs: (spec.seconds * 1_000) / spec.freshnessSamples, seed: seed + 1, queryClient: client(central.url, 1) });
      },
      onMeasureEnd: () => {
        const end = pids();
        const seconds = (end.at - window.at) / 1_000;
        cores = {
          central: (end.central - window.central) / seconds,
          agents: end.agents.map((cpu, i) => (cpu - window.agents[i]!) / seconds),
          own: (end.own - window.own) / seconds,
          servers: (end.servers - window.servers) / seconds,
        };
        during.storedAtEnd = storedSpans(centralApi);
        during.stagesAtEnd = stagesSnapshot(centralApi);
        during.trends = during.spools!.stop();
      },
    });
    const freshness = await during.probe!.stop();
    const [before, after] = await Promise.all([during.storedAtStart!, during.storedAtEnd!]);
    const [stagesBefore, stagesAfter] = await Promise.all([during.stagesAtStart!, during.stagesAtEnd!]);
    const storedSpansPerSecond = after.at > before.at ? Math.round((after.spans - before.spans) / ((after.at - before.at) / 1_000)) : null;

    progress('mix: load stopped; waiting for the agents to hand central what they spooled');
    const drainSeconds = await drainSpools(fleet);
    const stored = (await storedSpans(centralApi)).spans;
    const ackedSpans = load.total.totalAckedSpans + freshness.ackedSpans;
    const otlpBytes = load.total.totalAckedBytes ?? 0;
    const centralPeakRss = peakRssBytes(central.pid);
    const agentPeakRss = agents.map((agent) => peakRssBytes(agent.process.pid));
    clients.closeAll();

    for (const agent of agents) await agent.process.stop();
    // Stopped cleanly, central checkpoints: the directory then holds what the data costs at rest.
    const exitCode = await central.stop();
    if (exitCode !== 0) console.error(`warning: central exited with code ${exitCode}:\n${central.output()}`);
    const bytesOnDisk = clickhouse ? (await settledClickHouseSize(clickhouse, 'stitch')).bytesOnDisk : dirSizeBytes(join(dir, 'central'));
    const failed = load.total.non200 > 0 || freshness.failures > 0 || drainSeconds === null;
    const logTail = [central, ...agents.map((agent) => agent.process)].map((process) => process.output().slice(-LOG_TAIL_CHARS)).join('\n---\n');
    if (failed) console.error(`the processes' output (requests failed or spools not drained):\n${logTail}`);
    const bytesOnDiskPerSpan = stored > 0 ? Math.round((bytesOnDisk / stored) * 10) / 10 : null;
    const otlpBytesPerSpan = load.total.totalAckedSpans > 0 ? Math.round((otlpBytes / load.total.totalAckedSpans) * 10) / 10 : null;
    return {
      load: load.total,
      freshness,
      central: { peakRssBytes: centralPeakRss, coresUsed: round2(cores.central), loadGeneratorCoresUsed: round2(cores.own) },
      storeServers: clickhouse ? { shards: clickhouse.urls.length, coresUsed: round2(cores.servers), peakRssBytes: clickhouse.pids.reduce((sum, pid) => sum + peakRssBytes(pid), 0) } : null,
      storedSpans: stored,
      ackedSpans,
      bytesOnDisk,
      bytesOnDiskPerSpan,
      otlpBytesPerSpan,
      bytesOnDiskOverOtlp: diskOverOtlp(bytesOnDiskPerSpan, otlpBytesPerSpan),
      centralLogTail: failed ? logTail : null,
      stages: stagesBefore && stagesAfter ? stageCosts(stagesBefore, stagesAfter) : null,
      mix: {
        pool: { spans: pool.spanCount, traces: pool.traceCount, requests: pool.payloads.length, otlpBytesPerSpan: Math.round(pool.byteCount / pool.spanCount), lateRoots: pool.lateRoots, kinds: pool.kinds },
        storedSpansPerSecond,
        agents: agents.map((agent, i) => ({
          account: agent.account.id,
          name: agent.account.name,
          ackedSpansPerSecond: load.streams[i]!.spansPerSecond,
          non200: load.streams[i]!.non200,
          peakRssBytes: agentPeakRss[i]!,
          coresUsed: round2(cores.agents[i]!),
          spool: during.trends![i]!,
        })),
        drainSeconds,
      },
    };
  } finally {
    clients.closeAll();
    await fleet.stop();
    await clickhouse?.stop();
    rmSync(dir, { recursive: true, force: true });
    forgetDir();
  }
}
