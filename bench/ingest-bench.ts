import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IngestSpec } from './bench-options.ts';
import { startCentralProcess } from './central-process.ts';
import { startClickHouse } from '@stitch/test-support/clickhouse';
import { settledClickHouseSize } from './clickhouse-size.ts';
import { dirSizeBytes } from './dir-size.ts';
import { onExit } from './exit-cleanup.ts';
import { startFreshnessProbe, type FreshnessResult, type RunningProbe } from './freshness-probe.ts';
import { runGoodputSweep, type GoodputResult } from './goodput-sweep.ts';
import { HttpClient } from './http-client.ts';
import { runIngestLoad, type LoadResult } from './ingest-load.ts';
import { stageCosts, stagesSnapshot, type StageCosts } from './ingest-stages.ts';
import type { MixIngestFigures } from './mix-figures.ts';
import type { PayloadPool } from './otlp-load.ts';
import { SERVICES } from './otlp-load.ts';
import { cpuSeconds, ownCpuSeconds, peakRssBytes } from './proc-stats.ts';
import { timeGets, type TimedSamples } from './timed-gets.ts';
import { setTimeout as sleep } from 'node:timers/promises';

export interface IngestResult {
  load: LoadResult;
  freshness: FreshnessResult;
  central: {
    peakRssBytes: number;
    /** Central's CPU seconds over the measured window / the window: how many cores it kept busy. */
    coresUsed: number;
    /** The same for the load generator (this process), which shares the machine. */
    loadGeneratorCoresUsed: number;
  };
  /** The clickhouse-server processes, when central stores there: their CPU over the measured window and peak memory. */
  storeServers: { shards: number; coresUsed: number; peakRssBytes: number } | null;
  /** Spans central reports holding after the run (GET /api/services), against those acknowledged. */
  storedSpans: number;
  ackedSpans: number;
  bytesOnDisk: number;
  bytesOnDiskPerSpan: number | null;
  /** OTLP bytes (uncompressed protobuf) per acknowledged span, and bytes on disk per span over it (absent in older result files). */
  otlpBytesPerSpan?: number | null;
  bytesOnDiskOverOtlp?: number | null;
  /** The production-shaped mix through five agents (`--load mix`); absent for the checkout load. */
  mix?: MixIngestFigures;
  /** The end of central's output when any request failed: the cause is usually there. */
  centralLogTail: string | null;
  /** GET /api/service-map over the pool's hour, counted at ingest during the run. */
  /** Absent in result files written before the map was timed under load. */
  serviceMap?: TimedSamples & { nodes: number; edges: number };
  /** Central's time per stage over the measured window (GET /api/ingest/stages); absent in older files. */
  stages?: StageCosts | null;
  /** Open-loop load at multiples of the measured rate, after it; absent in older files and when not asked for. */
  goodput?: GoodputResult;
}

export const LOG_TAIL_CHARS = 3_000;
export const round2 = (value: number) => Math.round(value * 100) / 100;

/** Bytes on disk per span over OTLP bytes per span (the issue's <= 0.25 on DuckDB, <= 0.12 on ClickHouse). */
export function diskOverOtlp(bytesOnDiskPerSpan: number | null, otlpBytesPerSpan: number | null): number | null {
  return bytesOnDiskPerSpan !== null && otlpBytesPerSpan ? Math.round((bytesOnDiskPerSpan / otlpBytesPerSpan) * 1_000) / 1_000 : null;
}

interface MapAnswer {
  nodes: unknown[];
  edges: unknown[];
}

interface ServicesAnswer {
  services: Array<{ spanCount: number }>;
}

/** Posts the pool to a fresh `stitch central` on an empty data directory, with a freshness probe alongside. */
export async function runIngestBench(pool: PayloadPool, spec: IngestSpec, seed: number, poolWindow: { startMs: number; endMs: number }, progress: (message: string) => void): Promise<IngestResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stitch-bench-ingest-'));
  const forgetDir = onExit(() => rmSync(dataDir, { recursive: true, force: true }));
  const clickhouse = spec.clickhouseShards > 0 ? await startClickHouse({ shards: spec.clickhouseShards, dir: join(dataDir, 'clickhouse') }) : null;
  const central = await startCentralProcess({ dataDir, decodeWorkers: spec.decodeWorkers, ...(clickhouse ? { clickhouseUrls: clickhouse.urls } : {}) });
  const client = new HttpClient(central.url, spec.concurrency);
  // Its own connection, so probes do not queue behind the load's requests on the client side.
  const probeClient = new HttpClient(central.url, 1);
  try {
    const probes: RunningProbe[] = [];
    let window = { centralCpu: 0, ownCpu: 0, serversCpu: 0, at: 0 };
    let centralCoresUsed = 0;
    let ownCoresUsed = 0;
    let serversCoresUsed = 0;
    const serversCpu = () => (clickhouse?.pids ?? []).reduce((sum, pid) => sum + cpuSeconds(pid), 0);
    const snapshot = () => ({ centralCpu: cpuSeconds(central.pid), ownCpu: ownCpuSeconds(), serversCpu: serversCpu(), at: performance.now() });
    const stageSnapshots: Array<ReturnType<typeof stagesSnapshot>> = [];

    const load = await runIngestLoad(client, pool, {
      concurrency: spec.concurrency,
      warmupMs: spec.warmupSeconds * 1_000,
      durationMs: spec.seconds * 1_000,
      onMeasureStart: () => {
        window = snapshot();
        stageSnapshots.push(stagesSnapshot(probeClient));
        probes.push(startFreshnessProbe(probeClient, { intervalMs: (spec.seconds * 1_000) / spec.freshnessSamples, seed: seed + 1 }));
      },
      onMeasureEnd: () => {
        const end = snapshot();
        stageSnapshots.push(stagesSnapshot(probeClient));
        const seconds = (end.at - window.at) / 1_000;
        centralCoresUsed = (end.centralCpu - window.centralCpu) / seconds;
        ownCoresUsed = (end.ownCpu - window.ownCpu) / seconds;
        serversCoresUsed = (end.serversCpu - window.serversCpu) / seconds;
      },
    });
    const freshness = await probes[0]!.stop();
    const [stagesBefore, stagesAfter] = await Promise.all(stageSnapshots);
    // Central writes the map's counts every 5 s, once calls waited 10 s for their callees.
    await sleep(16_000);
    const map = await timeGets<MapAnswer>(probeClient, `/api/service-map?start=${poolWindow.startMs}&end=${poolWindow.endMs}`, 10, (status, json) =>
      status !== 200 ? `HTTP ${status}` : (json?.nodes.length ?? 0) < SERVICES.length ? `${json?.nodes.length} nodes, expected at least ${SERVICES.length}` : null,
    );
    const goodput = spec.goodput.multiples.length > 0 ? await runGoodputSweep(central.url, pool, load.spansPerSecond, spec.goodput, progress) : undefined;
    const peakRss = peakRssBytes(central.pid);
    const services = await client.getJson<ServicesAnswer>('/api/services');
    const storedSpans = services.json?.services.reduce((sum, service) => sum + service.spanCount, 0) ?? 0;
    const ackedSpans = load.totalAckedSpans + freshness.ackedSpans + (goodput?.steps.reduce((sum, step) => sum + step.totalAckedSpans, 0) ?? 0);
    client.close();
    probeClient.close();

    // Stopped cleanly, central checkpoints: the directory then holds what the data costs at rest.
    const exitCode = await central.stop();
    if (exitCode !== 0) console.error(`warning: central exited with code ${exitCode}:\n${central.output()}`);
    const bytesOnDisk = clickhouse ? (await settledClickHouseSize(clickhouse, 'stitch')).bytesOnDisk : dirSizeBytes(dataDir);
    const storeServers = clickhouse
      ? { shards: clickhouse.urls.length, coresUsed: round2(serversCoresUsed), peakRssBytes: clickhouse.pids.reduce((sum, pid) => sum + peakRssBytes(pid), 0) }
      : null;
    const failed = load.non200 > 0 || freshness.failures > 0;
    if (failed) console.error(`central's output (requests failed):\n${central.output().slice(-LOG_TAIL_CHARS)}`);
    const bytesOnDiskPerSpan = storedSpans > 0 ? Math.round((bytesOnDisk / storedSpans) * 10) / 10 : null;
    const otlpBytesPerSpan = load.totalAckedSpans > 0 ? Math.round(((load.totalAckedBytes ?? 0) / load.totalAckedSpans) * 10) / 10 : null;
    return {
      load,
      freshness,
      central: { peakRssBytes: peakRss, coresUsed: round2(centralCoresUsed), loadGeneratorCoresUsed: round2(ownCoresUsed) },
      storeServers,
      storedSpans,
      ackedSpans,
      bytesOnDisk,
      bytesOnDiskPerSpan,
      otlpBytesPerSpan,
      bytesOnDiskOverOtlp: diskOverOtlp(bytesOnDiskPerSpan, otlpBytesPerSpan),
      centralLogTail: failed ? central.output().slice(-LOG_TAIL_CHARS) : null,
      stages: stagesBefore && stagesAfter ? stageCosts(stagesBefore, stagesAfter) : null,
      ...(goodput ? { goodput } : {}),
      serviceMap: { latencyMs: map.latencyMs, firstMs: map.firstMs, wrongAnswers: map.wrongAnswers, firstProblem: map.firstProblem, nodes: map.last?.nodes.length ?? 0, edges: map.last?.edges.length ?? 0 },
    };
  } finally {
    client.close();
    probeClient.close();
    await central.stop();
    await clickhouse?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    forgetDir();
  }
}
