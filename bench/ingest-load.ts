import type { HttpAnswer } from './http-client.ts';
import type { Pacer } from './pacer.ts';
import { summarizeLatencies, type LatencySummary } from './latency-stats.ts';
import { payloadForRound, type EncodedPayload, type PayloadPool } from './otlp-load.ts';

export interface LoadOptions {
  /** Senders (requests in flight), per stream. */
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
  /** Their OTLP bytes, uncompressed (absent in result files written before it was counted). */
  totalAckedBytes?: number;
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

/** What a sender posts next. */
export interface PayloadSource {
  next(): { body: Uint8Array; spanCount: number };
}

/** Walks the payloads over and over; each pass re-keys the trace ids, so every request carries new traces. */
export class PayloadCursor<P extends EncodedPayload = EncodedPayload> implements PayloadSource {
  private index = 0;

  /** `round`: the first pass's; a second load on the same store starts far past the first's, so its traces are new too. */
  constructor(
    private readonly payloads: readonly P[],
    private round = 0,
  ) {}

  /** The next payload as it was generated, and its body in this pass. */
  nextOf(): { payload: P; body: Uint8Array } {
    const payload = this.payloads[this.index]!;
    const body = payloadForRound(payload, this.round);
    if (++this.index === this.payloads.length) {
      this.index = 0;
      this.round++;
    }
    return { payload, body };
  }

  next(): { body: Uint8Array; spanCount: number } {
    const { payload, body } = this.nextOf();
    return { body, spanCount: payload.spanCount };
  }
}

/** What sends an export and answers as HTTP does (HttpClient; GrpcExportClient answers gRPC's statuses so). */
export interface ExportPoster {
  post(path: string, body: Uint8Array, contentType: string): Promise<HttpAnswer>;
}

/** One client posting from one source, e.g. an account's exporters posting to its agent. */
export interface LoadStream {
  client: ExportPoster;
  source: PayloadSource;
  /** Caps the stream's rate; without it, each sender posts as soon as its last POST is answered. */
  pacer?: Pacer;
}

/** What one stream's senders saw. */
class LoadTally {
  readonly latencies: number[] = [];
  readonly statusCounts: Record<string, number> = {};
  firstError: string | null = null;
  requests = 0;
  spans = 0;
  bytes = 0;
  totalAckedSpans = 0;
  totalAckedBytes = 0;
  totalRequests = 0;

  static merged(tallies: readonly LoadTally[]): LoadTally {
    const into = new LoadTally();
    for (const tally of tallies) {
      into.latencies.push(...tally.latencies);
      for (const [status, count] of Object.entries(tally.statusCounts)) into.statusCounts[status] = (into.statusCounts[status] ?? 0) + count;
      into.firstError ??= tally.firstError;
      into.requests += tally.requests;
      into.spans += tally.spans;
      into.bytes += tally.bytes;
      into.totalAckedSpans += tally.totalAckedSpans;
      into.totalAckedBytes += tally.totalAckedBytes;
      into.totalRequests += tally.totalRequests;
    }
    return into;
  }

  result(durationMs: number): LoadResult {
    const seconds = durationMs / 1_000;
    const non200 = Object.entries(this.statusCounts).reduce((sum, [status, count]) => (status === '200' ? sum : sum + count), 0);
    return {
      measuredSeconds: seconds,
      requests: this.requests,
      spans: this.spans,
      spansPerSecond: Math.round(this.spans / seconds),
      requestsPerSecond: Math.round((this.requests / seconds) * 10) / 10,
      megabytesPerSecond: Math.round((this.bytes / seconds / 1e6) * 10) / 10,
      postLatencyMs: summarizeLatencies(this.latencies),
      statusCounts: this.statusCounts,
      non200,
      firstError: this.firstError,
      totalAckedSpans: this.totalAckedSpans,
      totalAckedBytes: this.totalAckedBytes,
      totalRequests: this.totalRequests,
    };
  }
}

/**
 * Closed-loop load: `concurrency` senders, each POSTing its next batch as soon as the previous
 * one is answered, as exporters with that many concurrent exports would. The rate counts spans
 * whose 200 (meaning stored and queryable) arrived inside the measured window.
 */
export async function runIngestLoad(client: ExportPoster, pool: PayloadPool, options: LoadOptions): Promise<LoadResult> {
  return (await runIngestLoads([{ client, source: new PayloadCursor(pool.payloads) }], options)).total;
}

/**
 * The closed loop of runIngestLoad on several streams at once, `concurrency` senders each, under
 * one warm-up and one measured window: the figures of each stream and of all of them.
 */
export async function runIngestLoads(streams: readonly LoadStream[], options: LoadOptions): Promise<{ total: LoadResult; streams: LoadResult[] }> {
  const started = performance.now();
  const measureFrom = started + options.warmupMs;
  const measureUntil = measureFrom + options.durationMs;
  const tallies = streams.map(() => new LoadTally());

  const measureStart = once(options.onMeasureStart);
  const measureEnd = once(options.onMeasureEnd);
  const startTimer = setTimeout(measureStart, options.warmupMs);
  const endTimer = setTimeout(measureEnd, options.warmupMs + options.durationMs);

  async function sender({ client, source, pacer }: LoadStream, tally: LoadTally): Promise<void> {
    while (performance.now() < measureUntil) {
      const { body, spanCount } = source.next();
      await pacer?.take(spanCount);
      const sentAt = performance.now();
      const answer = await client.post('/v1/traces', body, 'application/x-protobuf');
      const answeredAt = performance.now();
      tally.totalRequests++;
      tally.statusCounts[answer.status] = (tally.statusCounts[answer.status] ?? 0) + 1;
      if (answer.status !== 200) {
        tally.firstError ??= answer.error ?? `HTTP ${answer.status}: ${answer.body.toString('utf8', 0, 300)}`;
        continue;
      }
      tally.totalAckedSpans += spanCount;
      tally.totalAckedBytes += body.byteLength;
      if (sentAt >= measureFrom) tally.latencies.push(answer.ms);
      if (answeredAt >= measureFrom && answeredAt <= measureUntil) {
        tally.requests++;
        tally.spans += spanCount;
        tally.bytes += body.byteLength;
      }
    }
  }

  await Promise.all(streams.flatMap((stream, i) => Array.from({ length: options.concurrency }, () => sender(stream, tallies[i]!))));
  // A busy event loop can run a timer late: the hooks still run, once each, in order.
  clearTimeout(startTimer);
  clearTimeout(endTimer);
  measureStart();
  measureEnd();
  return { total: LoadTally.merged(tallies).result(options.durationMs), streams: tallies.map((tally) => tally.result(options.durationMs)) };
}
