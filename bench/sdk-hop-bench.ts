// What the SDK costs a service: throughput of one HTTP hop (client → server on loopback,
// keep-alive) uninstrumented, traced at 100 % sampling, and traced at the default sampling
// (1/s + 5 %). Each run is a process of its own (sdk-hop-load.ts), since instrumentation patches
// node's modules for good; the variants take turns, round after round, so a machine that speeds
// up or slows down during the bench weighs on all three alike. Spans go to an OTLP sink here
// that only reads and acknowledges them.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { onExit } from './exit-cleanup.ts';
import { percentile } from './latency-stats.ts';

/** What one run of sdk-hop-load.ts is told (as JSON in its argv), and what it prints. */
export interface HopRunSpec {
  variant: HopVariant;
  warmupSeconds: number;
  seconds: number;
  concurrency: number;
  /** The OTLP/HTTP sink (without /v1/traces). */
  endpoint: string;
}

export interface HopRunResult {
  variant: HopVariant;
  /** Requests answered in the measured window, and per second. */
  requests: number;
  requestsPerSecond: number;
  /** User + system CPU of the whole process from the window's start to the last span exported. */
  cpuMicros: number;
  /** Requests answered over the CPU measurement (the window, plus those in flight when it closed). */
  cpuRequests: number;
  /** Spans handed to the exporter and accepted by it over the CPU measurement. */
  spansExported: number;
  failedRequests: number;
}

export interface SdkHopSpec {
  /** Each round runs every variant once; the figures are the medians over the rounds. */
  rounds: number;
  warmupSeconds: number;
  seconds: number;
  /** Requests in flight at once, over as many keep-alive connections. */
  concurrency: number;
}

export interface HopVariantResult {
  variant: HopVariant;
  /** Median over the rounds. */
  requestsPerSecond: number;
  cpuMicrosPerRequest: number;
  spansPerRequest: number;
  /** CPU beyond the uninstrumented run's, per request and per span exported (0 spans: null). */
  extraCpuMicrosPerRequest: number;
  cpuMicrosPerSpan: number | null;
  runs: HopRunResult[];
}

export interface SdkHopResult {
  variants: HopVariantResult[];
  /** What the sink received over the whole bench. */
  sink: { posts: number; megabytes: number };
}

/** In the order each round runs them; the uninstrumented run is the one the others are compared with. */
export const HOP_VARIANTS = ['uninstrumented', 'sampled-100', 'sampled-default'] as const;
export type HopVariant = (typeof HOP_VARIANTS)[number];

const LOAD_SCRIPT = fileURLToPath(new URL('./sdk-hop-load.ts', import.meta.url));
/** The middle round's figure (nearest rank: a value one run actually measured). */
const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);
const round1 = (value: number) => Math.round(value * 10) / 10;

/** An OTLP/HTTP endpoint that reads each export and answers it as a collector would, nothing more. */
async function startSink(): Promise<{ url: string; posts: () => number; bytes: () => number; close: () => void }> {
  let posts = 0;
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      posts += 1;
      // An empty ExportTraceServiceResponse: everything accepted.
      res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    posts: () => posts,
    bytes: () => bytes,
    close: () => {
      server.close();
      server.closeAllConnections();
    },
  };
}

function runOnce(spec: HopRunSpec): Promise<HopRunResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', LOAD_SCRIPT, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const forget = onExit(() => child.kill('SIGKILL'));
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timeoutMs = (spec.warmupSeconds + spec.seconds + 60) * 1000;
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      forget();
      const line = /^result (.*)$/m.exec(output);
      if (code === 0 && line) resolve(JSON.parse(line[1]!) as HopRunResult);
      else reject(new Error(`sdk-hop-load ${spec.variant} ended with ${code ?? signal} and no result:\n${output.slice(-4000)}`));
    });
  });
}

function summarize(variant: HopVariant, runs: HopRunResult[], baseCpuPerRequest: number): HopVariantResult {
  const cpuMicrosPerRequest = median(runs.map((run) => run.cpuMicros / run.cpuRequests));
  const spansPerRequest = median(runs.map((run) => run.spansExported / run.cpuRequests));
  const extra = cpuMicrosPerRequest - baseCpuPerRequest;
  return {
    variant,
    requestsPerSecond: Math.round(median(runs.map((run) => run.requestsPerSecond))),
    cpuMicrosPerRequest: round1(cpuMicrosPerRequest),
    spansPerRequest: Math.round(spansPerRequest * 1000) / 1000,
    extraCpuMicrosPerRequest: round1(extra),
    cpuMicrosPerSpan: spansPerRequest > 0 ? round1(extra / spansPerRequest) : null,
    runs,
  };
}

export async function runSdkHopBench(spec: SdkHopSpec, progress: (message: string) => void): Promise<SdkHopResult> {
  const sink = await startSink();
  const runs = new Map<HopVariant, HopRunResult[]>(HOP_VARIANTS.map((variant) => [variant, []]));
  try {
    for (let round = 1; round <= spec.rounds; round++) {
      for (const variant of HOP_VARIANTS) {
        const result = await runOnce({ variant, warmupSeconds: spec.warmupSeconds, seconds: spec.seconds, concurrency: spec.concurrency, endpoint: sink.url });
        if (result.failedRequests > 0) throw new Error(`sdk-hop-load ${variant}: ${result.failedRequests} requests failed`);
        progress(`sdk hop round ${round}/${spec.rounds}, ${variant}: ${result.requestsPerSecond.toLocaleString('en-US')} requests/s, ${result.spansExported.toLocaleString('en-US')} spans`);
        runs.get(variant)!.push(result);
      }
    }
  } finally {
    sink.close();
  }
  const base = median(runs.get('uninstrumented')!.map((run) => run.cpuMicros / run.cpuRequests));
  return {
    variants: HOP_VARIANTS.map((variant) => summarize(variant, runs.get(variant)!, base)),
    sink: { posts: sink.posts(), megabytes: round1(sink.bytes() / 1e6) },
  };
}
