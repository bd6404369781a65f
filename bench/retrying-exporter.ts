import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { postOtlpProtobuf } from './otlp-export-transport.ts';
import { SpanFate, type SpanLedger } from './span-ledger.ts';

/** One export request and the ledger indices of the spans it carries. */
export interface ExportBatch {
  body: Uint8Array;
  spans: Uint32Array;
}

/** Shared by every exporter of a run. */
export interface ExportTally {
  /** POSTs made, retries included, and the spans they carried. */
  posts: number;
  spansAttempted: number;
  /** Answers by status; "no answer" for connection errors and timeouts. */
  statusCounts: Record<string, number>;
  acknowledgedBatches: number;
  acknowledgedSpans: number;
  refusedBatches: number;
  refusedSpans: number;
  /** Still unanswered when the exporters were shut down. */
  abandonedSpans: number;
  /**
   * Acknowledged after an earlier POST of the same bytes got no answer: the agent may have
   * spooled the first one (then died or was cut off), the case its content-hash delivery key covers.
   */
  acknowledgedAfterNoAnswer: number;
  firstRefusal: string | null;
  /** Each acknowledged POST's time, send to answer. */
  acknowledgedPostMs: number[];
}

export function emptyTally(): ExportTally {
  return { posts: 0, spansAttempted: 0, statusCounts: {}, acknowledgedBatches: 0, acknowledgedSpans: 0, refusedBatches: 0, refusedSpans: 0, abandonedSpans: 0, acknowledgedAfterNoAnswer: 0, firstRefusal: null, acknowledgedPostMs: [] };
}

// The OpenTelemetry JS exporter's retry policy: 1 s, then x1.5 per attempt up to 5 s, +-20 % jitter.
// It gives up after 5 attempts; this one does not, so nothing it was given is lost on its side.
const INITIAL_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 5_000;
/** The OpenTelemetry exporter's default timeout. */
const TIMEOUT_MS = 10_000;

const backoffMs = (attempt: number) => Math.min(MAX_BACKOFF_MS, INITIAL_BACKOFF_MS * 1.5 ** (attempt - 1)) * (0.8 + Math.random() * 0.4);

/**
 * One service instance's exporter: batches go out one at a time, in order, each POSTed until
 * the agent answers 200 (acknowledged) or another 4xx than 429 (refused); no answer, 429 and
 * 5xx are retried with backoff, after Retry-After when the answer names one. A retry sends the
 * very same bytes, as the OpenTelemetry exporter does.
 */
export class RetryingExporter {
  private readonly queue: ExportBatch[] = [];
  private queued = 0;
  private wake: (() => void) | null = null;
  private closing = false;
  private abandonAtMs = Number.POSITIVE_INFINITY;
  private readonly connections = new Agent({ keepAlive: true, maxSockets: 1 });
  private readonly done: Promise<void>;

  constructor(
    private readonly url: URL,
    private readonly ledger: SpanLedger,
    private readonly tally: ExportTally,
  ) {
    this.done = this.run();
  }

  /** Spans waiting in this exporter (not yet acknowledged or refused). */
  get queuedSpans(): number {
    return this.queued;
  }

  export(batch: ExportBatch): void {
    this.queue.push(batch);
    this.queued += batch.spans.length;
    this.wakeUp();
  }

  /** Takes no more batches; resolves once all are settled, or at `deadlineMs`, abandoning the rest. */
  async shutdown(deadlineMs: number): Promise<void> {
    this.closing = true;
    this.abandonAtMs = deadlineMs;
    this.wakeUp();
    await this.done;
    this.connections.destroy();
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private async run(): Promise<void> {
    for (;;) {
      const batch = this.queue[0];
      if (!batch) {
        if (this.closing) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      await this.deliver(batch);
      this.queue.shift();
      this.queued -= batch.spans.length;
    }
  }

  private async deliver(batch: ExportBatch): Promise<void> {
    let unanswered = false;
    for (let attempt = 1; ; attempt++) {
      if (Date.now() >= this.abandonAtMs) {
        this.tally.abandonedSpans += batch.spans.length;
        return;
      }
      this.tally.posts += 1;
      this.tally.spansAttempted += batch.spans.length;
      const started = performance.now();
      const outcome = await postOtlpProtobuf(this.url, batch.body, this.connections, TIMEOUT_MS);
      const status = outcome.kind === 'success' ? '200' : outcome.status === 0 ? 'no answer' : String(outcome.status);
      this.tally.statusCounts[status] = (this.tally.statusCounts[status] ?? 0) + 1;
      if (outcome.kind === 'success') {
        this.ledger.settle(batch.spans, SpanFate.acknowledged);
        this.tally.acknowledgedBatches += 1;
        this.tally.acknowledgedSpans += batch.spans.length;
        this.tally.acknowledgedPostMs.push(performance.now() - started);
        if (unanswered) this.tally.acknowledgedAfterNoAnswer += 1;
        return;
      }
      if (outcome.kind === 'failure') {
        this.ledger.settle(batch.spans, SpanFate.refused);
        this.tally.refusedBatches += 1;
        this.tally.refusedSpans += batch.spans.length;
        this.tally.firstRefusal ??= outcome.reason;
        return;
      }
      if (outcome.status === 0) unanswered = true;
      const wait = outcome.retryAfterMs ?? backoffMs(attempt);
      await sleep(Math.max(0, Math.min(wait, this.abandonAtMs - Date.now())));
    }
  }
}
