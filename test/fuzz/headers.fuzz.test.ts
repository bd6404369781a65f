import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { context, defaultTextMapGetter, isSpanContextValid, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { isValidSpanId, isValidTraceId } from '@stitch/model';
import { createPropagator } from '@stitch/sdk';
import { initInMemoryTracing, type InMemoryTracing, listenOnLoopback } from '@stitch/test-support/sdk';
import { fuzzRuns, fuzzSeed, holds, reproduce, share } from './fuzz-run.ts';
import { headerValue, sendable, TRACE_HEADERS, validTraceparent, validXrayHeader, type TraceHeader } from './header-inputs.ts';
import { MAX_HEAP_GROWTH_MIB, settledHeapMiB } from './heap.ts';
import { FuzzClient, inParallel } from './http-client.ts';
import { randomFor, type Random } from './mutate.ts';

// Trace-context headers through the SDK: the propagator in-process (never throws; a valid
// header gives its trace id, garbage gives nothing or a valid context), then a server traced by
// the SDK in this process, which must answer every request and export only valid spans.

/**
 * The headers of one input: the header under test, fuzzed, and sometimes the other trace
 * header, valid, beside it; with the trace id extraction must give, when the headers decide it.
 */
function carrierFor(random: Random, header: TraceHeader): { carrier: Record<string, string | string[]>; expectedTraceId: string | null } {
  const value = headerValue(random, header);
  const carrier: Record<string, string | string[]> = { [header]: value };
  // tracestate and baggage ride on a valid traceparent, which their garbage must not spoil.
  const companion = header === 'tracestate' || header === 'baggage' || (header === 'x-amzn-trace-id' && random.chance(0.2)) ? validTraceparent(random) : header === 'traceparent' && random.chance(0.2) ? validXrayHeader(random) : null;
  if (companion) carrier[companion.value.startsWith('Root=') ? 'x-amzn-trace-id' : 'traceparent'] = companion.value;
  let expectedTraceId: string | null;
  if (header === 'traceparent') expectedTraceId = canonicalTraceparentId(value);
  else if (header === 'x-amzn-trace-id') expectedTraceId = companion ? companion.traceId : canonicalXrayId(value);
  else expectedTraceId = companion!.traceId;
  // A duplicated header arrives as a list; which one counts is the propagator's business.
  if (random.chance(0.05)) {
    carrier[header] = [value, headerValue(random, header)];
    if (header === 'traceparent' || (header === 'x-amzn-trace-id' && !companion)) expectedTraceId = null;
  }
  return { carrier, expectedTraceId };
}

describe('fuzzing trace-context headers (traceparent, tracestate, X-Amzn-Trace-Id, baggage)', () => {
  const seed = fuzzSeed();
  const runs = fuzzRuns();
  const httpRequests = share(runs, 0.3);
  const propagator = createPropagator('both');
  let tracing: InMemoryTracing;
  let server: Server;
  let client: FuzzClient;
  let heapAfterWarmUp = 0;

  before(async () => {
    tracing = initInMemoryTracing({ service: 'fuzzed-headers', account: { id: '222222222222', label: 'checkout' }, samplesPerSecond: 1e9 });
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
    client = new FuzzClient(await listenOnLoopback(server), { connections: 8 });
  });
  after(async () => {
    client.close();
    server.close();
    await tracing.tracing.shutdown();
  });

  for (const [h, header] of TRACE_HEADERS.entries()) {
    test(`${runs} ${header} values in-process: extraction never throws, a valid header gives its trace id, garbage nothing or a valid context`, () => {
      let valid = 0;
      for (let i = 0; i < runs; i++) {
        const index = h * runs + i;
        const { carrier, expectedTraceId } = carrierFor(randomFor(seed, index), header);
        const failure = () => reproduce(`header-${header}`, seed, index, JSON.stringify(carrier));
        let spanContext;
        try {
          spanContext = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter));
        } catch (error) {
          assert.fail(`extract threw ${(error as Error).stack}; ${failure()}`);
        }
        holds(spanContext === undefined || isSpanContextValid(spanContext), () => `an invalid context came out: ${JSON.stringify(spanContext)}; ${failure()}`);
        const expected = expectedTraceId;
        if (expected !== null) {
          valid += 1;
          holds(spanContext?.traceId === expected, () => `expected trace ${expected}, got ${spanContext?.traceId}; ${failure()}`);
        }
      }
      assert.ok(valid > runs * 0.1, `only ${valid} inputs carried a valid trace id`);
    });
  }

  test(`${httpRequests} requests with fuzzed headers to a server the SDK traces: every answer 200, every exported span valid`, async () => {
    heapAfterWarmUp = await settledHeapMiB();
    const expected = new Set<string>();
    await inParallel(httpRequests, 8, async (i) => {
      const index = TRACE_HEADERS.length * runs + i;
      const random = randomFor(seed, index);
      const { carrier, expectedTraceId } = carrierFor(random, random.pick(TRACE_HEADERS));
      // Within node's 16 KiB request head: past it node answers 431 itself, before the SDK sees a header.
      const headers = Object.fromEntries(Object.entries(carrier).map(([name, value]) => [name, sendable(Array.isArray(value) ? value.join(', ') : value).slice(0, 4_000)]));
      // Node trims a header value and writes a list as one: only canonical values keep their expectation.
      if (expectedTraceId && Object.entries(headers).every(([name, v]) => v === carrier[name])) expected.add(expectedTraceId);
      // Sent as a caller without tracing would: exactly these headers, no client span of ours.
      const answer = await context.with(suppressTracing(context.active()), () => client.send({ path: `/fuzz/${i}`, headers }));
      holds(answer.status === 200, () => `answered ${answer.status}; ${reproduce('header-http', seed, index, JSON.stringify(headers))}`);
    });
    await tracing.tracing.flush();
    const spans = tracing.exporter.getFinishedSpans();
    tracing.exporter.reset();
    assert.ok(spans.length >= httpRequests, `${spans.length} spans exported for ${httpRequests} sampled requests`);
    for (const span of spans) {
      const { traceId, spanId } = span.spanContext();
      assert.ok(isValidTraceId(traceId) && isValidSpanId(spanId), `exported span with trace ${traceId}, span ${spanId}, seed ${seed}`);
    }
    const exportedTraceIds = new Set(spans.map((span) => span.spanContext().traceId));
    const lost = [...expected].filter((traceId) => !exportedTraceIds.has(traceId));
    assert.deepEqual(lost, [], `requests with a valid trace header whose server span is not in that trace, seed ${seed}`);
  });

  test(`memory: the heap after the requests is within ${MAX_HEAP_GROWTH_MIB} MiB of the heap before them`, async (t) => {
    const growth = (await settledHeapMiB()) - heapAfterWarmUp;
    t.diagnostic(`headers: heap growth ${growth.toFixed(1)} MiB over ${httpRequests} traced requests; seed ${seed}`);
    assert.ok(growth < MAX_HEAP_GROWTH_MIB, `heap grew ${growth.toFixed(1)} MiB (bound ${MAX_HEAP_GROWTH_MIB} MiB), seed ${seed}`);
  });
});

/** The trace id of a traceparent in the canonical form of version 00 with valid ids, else null (no expectation). */
function canonicalTraceparentId(value: string): string | null {
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/.exec(value);
  return match && isValidTraceId(match[1]!) && isValidSpanId(match[2]!) ? match[1]! : null;
}

/**
 * The trace id (lower case, as W3C writes it) of an X-Amzn-Trace-Id in the form the SDKs write,
 * with valid ids, else null. The Sampled flag is required: without it the stock X-Ray
 * propagator starts a new trace (its choice; a header without a decision is not tested here).
 */
function canonicalXrayId(value: string): string | null {
  const match = /^Root=1-([0-9a-fA-F]{8})-([0-9a-fA-F]{24});Parent=([0-9a-fA-F]{16});Sampled=[01](;Lineage=[0-9a-f]{8}:\d+)?$/.exec(value);
  if (!match || !isValidSpanId(match[3]!.toLowerCase())) return null;
  const traceId = `${match[1]}${match[2]}`.toLowerCase();
  return isValidTraceId(traceId) ? traceId : null;
}
