// One run of the SDK hop benchmark, in a process of its own (sdk-hop-bench.ts starts it):
// `node --import tsx bench/sdk-hop-load.ts '<HopRunSpec as JSON>'`. A server and a client in this
// process, on loopback, keep-alive: `concurrency` requests always in flight, for warm-up then the
// measured seconds. With tracing on, both sides are instrumented as `initTracing` sets them up
// (a client span and a server span per request when sampled), exporting OTLP to the parent's sink.
// Prints one line: `result <HopRunResult as JSON>`.
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Tracing } from '@stitch/sdk';
import type { HopRunResult, HopRunSpec } from './sdk-hop-bench.ts';

/** Counts the spans the OTLP exporter delivered: the figure CPU per span is divided by. */
class CountingExporter implements SpanExporter {
  exported = 0;
  constructor(private readonly inner: SpanExporter) {}
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code === 0) this.exported += spans.length;
      done(result);
    });
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

const spec = JSON.parse(process.argv[2] ?? '{}') as HopRunSpec;
let exporter: CountingExporter | null = null;
let tracing: Tracing | null = null;
if (spec.variant !== 'uninstrumented') {
  // Imported only here: the uninstrumented run loads no tracing code at all.
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
  const { DEFAULT_SAMPLING, initTracing } = await import('@stitch/sdk');
  exporter = new CountingExporter(new OTLPTraceExporter({ url: `${spec.endpoint}/v1/traces` }));
  const sampling = spec.variant === 'sampled-100' ? { samplesPerSecond: 1e9, sampleRatio: 1 } : DEFAULT_SAMPLING;
  tracing = initTracing({ service: 'bench-hop', account: { id: '000000000000', label: 'bench' }, endpoint: spec.endpoint, exporter, ...sampling });
}
// Loaded after the SDK, as a zero-code `--import` would be.
const { createServer, request, Agent } = await import('node:http');

const BODY = JSON.stringify({ sku: 'SKU-10037', price: 1999, currency: 'EUR', inStock: true });
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) });
  res.end(BODY);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as { port: number };
const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency, maxFreeSockets: spec.concurrency });

let answered = 0;
let failed = 0;
let running = true;
function get(): Promise<void> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/prices/SKU-10037', agent }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode === 200) answered += 1;
        else failed += 1;
        resolve();
      });
    });
    req.on('error', () => {
      failed += 1;
      resolve();
    });
    req.end();
  });
}
async function loop(): Promise<void> {
  while (running) await get();
}

const sleep = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const loops = Array.from({ length: spec.concurrency }, loop);
await sleep(spec.warmupSeconds);
// The warm-up's spans go out before the window opens, so the window's CPU is its own.
await tracing?.flush();
const start = { at: performance.now(), answered, cpu: process.cpuUsage(), exported: exporter?.exported ?? 0 };
await sleep(spec.seconds);
const end = { at: performance.now(), answered };
running = false;
await Promise.all(loops);
await tracing?.flush();
const cpu = process.cpuUsage(start.cpu);

const result: HopRunResult = {
  variant: spec.variant,
  requests: end.answered - start.answered,
  requestsPerSecond: Math.round(((end.answered - start.answered) / (end.at - start.at)) * 1000),
  cpuMicros: cpu.user + cpu.system,
  cpuRequests: answered - start.answered,
  spansExported: (exporter?.exported ?? 0) - start.exported,
  failedRequests: failed,
};
console.log(`result ${JSON.stringify(result)}`);
agent.destroy();
server.close();
await tracing?.shutdown();
