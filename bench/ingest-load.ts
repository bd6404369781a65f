import type { HttpClient } from './http-client.ts';
import { summarizeLatencies, type LatencySummary } from './latency-stats.ts';
import { payloadForRound, type EncodedPayload, type PayloadPool } from './otlp-load.ts';

export interface LoadOptions {
  concurrency: number;
  /** Sent but not counted: connections open, JIT and DuckDB warm up. */
  warmupMs: number;
  durationMs: number;
  /** Called when the measured window opens and closes (to sample CPU, run probes alongside). */
  onMeasureStart?: () => void;
  onMeasureEnd?: () => void;
}

export interface LoadResult {
  measuredSeconds: number;
  /** Requests answered 200 within the measured window, and their spans. */
  requests: number;
  spans: number;
  spansPerSecond: number;
  requestsPerSecond: number;
  megabytesPerSecond: number;
  /** POSTs started in the measured window. */
  postLatencyMs: LatencySummary | null;
  /** Every answer, warm-up included, by HTTP status ("0" = no answer); everything but 200 is a failure. */
  statusCounts: Record<string, number>;
  non200: number;
  firstError: string | null;
  /** Spans acknowledged over the whole run, warm-up and stragglers included: what the store must hold. */
  totalAckedSpans: number;
  totalRequests: number;
}

function once(hook: (() => void) | undefined): () => void {
  let called = false;
  return () => {
    if (called) return;
    called = true;
    hook?.();
  };
}

/** Walks the pool over and over; each pass re-keys the trace ids, so every request carries new traces. */
export class PayloadCursor {
  private index = 0;

  /** `round`: the first pass's; a second load on the same store starts far past the first's, so its traces are new too. */
  constructor(
    private readonly payloads: readonly EncodedPayload[],
    private round = 0,
  ) {}

  next(): { body: Uint8Array; spanCount: number } {
    const payload = this.payloads[this.index]!;
    const body = payloadForRound(payload, this.round);
    if (++this.index === this.payloads.length) {
      this.index = 0;
      this.round++;
    }
    return { body, spanCount: payload.spanCount };
  }
}

/**
 * Closed-loop load: `concurrency` senders, each POSTing its next batch as soon as the previous
 * one is answered, as exporters with that many concurrent exports would. The rate counts spans
 * whose 200 (meaning stored and queryable) arrived inside the measured window.
 */
export async function runIngestLoad(client: HttpClient, pool: PayloadPool, options: LoadOptions): Promise<LoadResult> {
  const cursor = new PayloadCursor(pool.payloads);
  const started = performance.now();
  const measureFrom = started + options.warmupMs;
  const measureUntil = measureFrom + options.durationMs;
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  let firstError: string | null = null;
  let requests = 0;
  let spans = 0;
  let bytes = 0;
  let totalAckedSpans = 0;
  let totalRequests = 0;

  const measureStart = once(options.onMeasureStart);
  const measureEnd = once(options.onMeasureEnd);
  const startTimer = setTimeout(measureStart, options.warmupMs);
  const endTimer = setTimeout(measureEnd, options.warmupMs + options.durationMs);

  async function sender(): Promise<void> {
    while (performance.now() < measureUntil) {
      const { body, spanCount } = cursor.next();
      const sentAt = performance.now();
      const answer = await client.post('/v1/traces', body, 'application/x-protobuf');
      const answeredAt = performance.now();
      totalRequests++;
      statusCounts[answer.status] = (statusCounts[answer.status] ?? 0) + 1;
      if (answer.status !== 200) {
        firstError ??= answer.error ?? `HTTP ${answer.status}: ${answer.body.toString('utf8', 0, 300)}`;
        continue;
      }
      totalAckedSpans += spanCount;
      if (sentAt >= measureFrom) latencies.push(answer.ms);
      if (answeredAt >= measureFrom && answeredAt <= measureUntil) {
        requests++;
        spans += spanCount;
        bytes += body.byteLength;
      }
    }
  }

  await Promise.all(Array.from({ length: options.concurrency }, sender));
  // A busy event loop can run a timer late: the hooks still run, once each, in order.
  clearTimeout(startTimer);
  clearTimeout(endTimer);
  measureStart();
  measureEnd();

  const seconds = options.durationMs / 1_000;
  const non200 = Object.entries(statusCounts).reduce((sum, [status, count]) => (status === '200' ? sum : sum + count), 0);
  return {
    measuredSeconds: seconds,
    requests,
    spans,
    spansPerSecond: Math.round(spans / seconds),
    requestsPerSecond: Math.round((requests / seconds) * 10) / 10,
    megabytesPerSecond: Math.round((bytes / seconds / 1e6) * 10) / 10,
    postLatencyMs: summarizeLatencies(latencies),
    statusCounts,
    non200,
    firstError,
    totalAckedSpans,
    totalRequests,
  };
}
