import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IngestSpec } from './bench-options.ts';
import { startCentralProcess } from './central-process.ts';
import { onExit } from './exit-cleanup.ts';
import { GrpcExportClient } from './grpc-export-client.ts';
import { HttpClient } from './http-client.ts';
import { PayloadCursor, runIngestLoads, type ExportPoster, type LoadResult } from './ingest-load.ts';
import type { PayloadPool } from './otlp-load.ts';
import { percentile } from './latency-stats.ts';
import { cpuSeconds, ownCpuSeconds } from './proc-stats.ts';
import { int, percentiles, type ReportSection } from './report-format.ts';

// OTLP/gRPC against OTLP/HTTP on the same load: the checkout pool's protobuf bodies, the same
// senders in flight, each round on a fresh `stitch central` (its own process, an empty DuckDB
// file), the transports alternating so that neither always runs on a warmer machine. Measured:
// spans acknowledged a second (acknowledged = stored), the latency of an export, central's cores.
// Exports central sheds while its store catches up are waited out and not counted.

export type Transport = 'http' | 'grpc';

export interface TransportRound {
  transport: Transport;
  load: LoadResult;
  centralCoresUsed: number;
  /** The same of this process, which sends the load on the same machine: its client's cost is the transport's too. */
  loadGeneratorCoresUsed: number;
}

export interface GrpcIngestReport {
  name: string;
  mode: string;
  createdAt: string;
  machine: unknown;
  spec: { rounds: number; warmupSeconds: number; seconds: number; concurrency: number; decodeWorkers: number };
  rounds: TransportRound[];
  /** Each transport's spans a second, the mean of its rounds. */
  spansPerSecond: Record<Transport, number>;
  /**
   * gRPC's rate over HTTP's: the median (the lower middle one of an even count) of the rounds' own ratios. A round runs both
   * transports one after the other, so its ratio compares them on the same machine; the machine's
   * speed varies by 20 % from minute to minute (a round of either ran its store 30 % slower).
   */
  grpcOverHttp: number;
  /** The lowest and highest of the rounds' ratios: how far one round's comparison is from another's. */
  grpcOverHttpSpread: [number, number];
  /**
   * Spans stored per second of central's CPU (the mean over the rounds): what ingest costs central
   * on each transport. The load generator shares the 2 cores (its gRPC client a little more of
   * them), so the rate alone also measures the client; a sender on another host does not compete.
   */
  spansPerCentralCoreSecond: Record<Transport, number>;
  /** The same median of the rounds' ratios, of spans per central core-second. */
  grpcOverHttpPerCore: number;
  grpcOverHttpPerCoreSpread: [number, number];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function oneRound(transport: Transport, pool: PayloadPool, spec: IngestSpec, round: number): Promise<TransportRound> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stitch-bench-grpc-'));
  const forgetDir = onExit(() => rmSync(dataDir, { recursive: true, force: true }));
  const grpcPort = await freePort();
  const central = await startCentralProcess({ dataDir, decodeWorkers: spec.decodeWorkers, grpcPort });
  const transportClient = transport === 'grpc' ? new GrpcExportClient(`127.0.0.1:${grpcPort}`, spec.concurrency) : new HttpClient(central.url, spec.concurrency);
  const client = backingOff(transportClient);
  try {
    let cpuAtStart = 0;
    let ownCpuAtStart = 0;
    let startedAt = 0;
    let centralCoresUsed = 0;
    let loadGeneratorCoresUsed = 0;
    const { total } = await runIngestLoads([{ client, source: new PayloadCursor(pool.payloads, round) }], {
      concurrency: spec.concurrency,
      warmupMs: spec.warmupSeconds * 1_000,
      durationMs: spec.seconds * 1_000,
      onMeasureStart: () => {
        cpuAtStart = cpuSeconds(central.pid);
        ownCpuAtStart = ownCpuSeconds();
        startedAt = performance.now();
      },
      onMeasureEnd: () => {
        const seconds = (performance.now() - startedAt) / 1_000;
        centralCoresUsed = (cpuSeconds(central.pid) - cpuAtStart) / seconds;
        loadGeneratorCoresUsed = (ownCpuSeconds() - ownCpuAtStart) / seconds;
      },
    });
    const failed = Object.entries(total.statusCounts).filter(([code]) => !['200', '429', '503'].includes(code));
    if (failed.length > 0) throw new Error(`${transport}: exports failed (${JSON.stringify(total.statusCounts)}); first: ${total.firstError}\n${central.output()}`);
    return { transport, load: total, centralCoresUsed: Math.round(centralCoresUsed * 100) / 100, loadGeneratorCoresUsed: Math.round(loadGeneratorCoresUsed * 100) / 100 };
  } finally {
    transportClient.close();
    await central.stop();
    rmSync(dataDir, { recursive: true, force: true });
    forgetDir();
  }
}

/** Central sheds what it cannot take yet (503 or RESOURCE_EXHAUSTED, with a retry delay): the sender waits, as exporters back off, before its next export. */
function backingOff(client: ExportPoster): ExportPoster {
  return {
    async post(path, body, contentType) {
      const answer = await client.post(path, body, contentType);
      if (answer.status === 503 || answer.status === 429) await new Promise((resolve) => setTimeout(resolve, BACK_OFF_MS));
      return answer;
    },
  };
}
const BACK_OFF_MS = 1_000;

const mean = (values: number[]) => Math.round(values.reduce((sum, value) => sum + value, 0) / values.length);
/** The nearest-rank median: of an even count, the lower of the middle two. */
const medianOf = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);
const twoDecimals = (value: number) => Math.round(value * 100) / 100;

export async function runGrpcIngestBench(pool: PayloadPool, spec: IngestSpec, rounds: number, progress: (message: string) => void): Promise<Omit<GrpcIngestReport, 'name' | 'mode' | 'createdAt' | 'machine'>> {
  const done: TransportRound[] = [];
  for (let round = 0; round < rounds; round++) {
    // Alternating, each round starting with the other transport.
    for (const transport of (round % 2 === 0 ? ['http', 'grpc'] : ['grpc', 'http']) as Transport[]) {
      progress(`gRPC vs HTTP: round ${round + 1} of ${rounds}, ${transport}: ${spec.warmupSeconds} + ${spec.seconds} s, ${spec.concurrency} exports in flight`);
      done.push(await oneRound(transport, pool, spec, round));
    }
  }
  const perCore = (r: TransportRound) => r.load.spansPerSecond / r.centralCoresUsed;
  const of = (transport: Transport, figure: (r: TransportRound) => number) => done.filter((r) => r.transport === transport).map(figure);
  // Round k's rounds are done[2k] and done[2k + 1], in either order.
  const ratios = (figure: (r: TransportRound) => number) => {
    const grpc = of('grpc', figure);
    const http = of('http', figure);
    return grpc.map((value, k) => value / http[k]!);
  };
  const spreadOf = (values: number[]): [number, number] => [twoDecimals(Math.min(...values)), twoDecimals(Math.max(...values))];
  return {
    spec: { rounds, warmupSeconds: spec.warmupSeconds, seconds: spec.seconds, concurrency: spec.concurrency, decodeWorkers: spec.decodeWorkers },
    rounds: done,
    spansPerSecond: { http: mean(of('http', (r) => r.load.spansPerSecond)), grpc: mean(of('grpc', (r) => r.load.spansPerSecond)) },
    grpcOverHttp: twoDecimals(medianOf(ratios((r) => r.load.spansPerSecond))),
    grpcOverHttpSpread: spreadOf(ratios((r) => r.load.spansPerSecond)),
    spansPerCentralCoreSecond: { http: mean(of('http', perCore)), grpc: mean(of('grpc', perCore)) },
    grpcOverHttpPerCore: twoDecimals(medianOf(ratios(perCore))),
    grpcOverHttpPerCoreSpread: spreadOf(ratios(perCore)),
  };
}

export function grpcIngestSections(report: GrpcIngestReport): ReportSection[] {
  return [
    {
      title: `ingest over OTLP/gRPC and OTLP/HTTP (checkout pool, protobuf, ${report.spec.concurrency} in flight, ${report.spec.seconds} s a round, fresh central each)`,
      columns: ['spans/s', 'central cores', 'load generator cores', 'export p50 / p95 / p99'],
      rows: report.rounds.map((r, i) => [`round ${Math.floor(i / 2) + 1} ${r.transport}`, int(r.load.spansPerSecond), r.centralCoresUsed.toFixed(2), r.loadGeneratorCoresUsed.toFixed(2), percentiles(r.load.postLatencyMs)]),
    },
    {
      title: `gRPC against HTTP (rates: mean of the rounds; ratios: median of the ${report.spec.rounds} rounds' own)`,
      rows: [
        ['OTLP/HTTP spans/s', int(report.spansPerSecond.http)],
        ['OTLP/gRPC spans/s', int(report.spansPerSecond.grpc)],
        [`${verdict(report.grpcOverHttp, report.grpcOverHttpSpread)} gRPC / HTTP`, `${report.grpcOverHttp}, rounds ${spread(report.grpcOverHttpSpread)} (target >= 1: at least as fast)`],
        ['OTLP/HTTP spans per central core-second', int(report.spansPerCentralCoreSecond.http)],
        ['OTLP/gRPC spans per central core-second', int(report.spansPerCentralCoreSecond.grpc)],
        [`${verdict(report.grpcOverHttpPerCore, report.grpcOverHttpPerCoreSpread)} gRPC / HTTP per central core`, `${report.grpcOverHttpPerCore}, rounds ${spread(report.grpcOverHttpPerCoreSpread)} (central's cost per span; the load generator shares the cores)`],
      ],
    },
  ];
}

const spread = ([low, high]: [number, number]) => `${low} to ${high}`;

/** Met at 1 or more; under 1 while some rounds are over it, the two are equal within what one round tells from another ("tied"). */
function verdict(ratio: number, [, highest]: [number, number]): string {
  if (ratio >= 1) return 'met   ';
  return highest >= 1 ? 'tied  ' : 'MISSED';
}
