import type { Span } from '@stitch/model';
import { spansToOtlpJson } from '@stitch/wire';
import { Spool } from './spool.ts';

export interface SegmentForwarderOptions {
  sinkUrl: string;
  token: string;
  /** Where batches wait for central; null keeps them in memory (lost if the agent dies). */
  spoolDir?: string | null;
  /** Beyond this much waiting, the oldest batches are dropped, counted and logged. */
  maxSpoolBytes?: number;
  flushEveryMs?: number;
  log: (message: string) => void;
}

/**
 * Spans the agent made from X-Ray segments (UDP has no acknowledgement to hold back): gathered
 * for a moment, spooled, then sent as OTLP/JSON with the link's credential, oldest first, and
 * retried with backoff and jitter while central is down or busy. Never silently dropped.
 */
export class SegmentForwarder {
  private pending: Span[] = [];
  private readonly spool: Spool;
  private timer: NodeJS.Timeout | null = null;
  private sending = false;
  private failures = 0;
  private closed = false;
  sent = 0;

  constructor(private readonly options: SegmentForwarderOptions) {
    this.spool = new Spool(options.spoolDir ?? null, options.maxSpoolBytes ?? 256 * 1024 * 1024);
    if (this.spool.length > 0) {
      options.log(`agent: ${this.spool.length} spooled batches from before; sending them`);
      this.schedule(0);
    }
  }

  /** UDP: gathered for `flushEveryMs`, then spooled. */
  add(spans: readonly Span[]): void {
    if (spans.length === 0) return;
    this.pending.push(...spans);
    this.schedule(this.options.flushEveryMs ?? 100);
  }

  /** PutTraceSegments: spooled before the caller is answered, so an answered batch survives a crash. */
  addDurably(spans: readonly Span[]): void {
    if (spans.length > 0) this.spoolBatch(spans);
    this.schedule(0);
  }

  get waitingBatches(): number {
    return this.spool.length;
  }

  get droppedBatches(): number {
    return this.spool.droppedBatches;
  }

  private spoolBatch(spans: readonly Span[]): void {
    const dropped = this.spool.append(JSON.stringify(spansToOtlpJson(spans)));
    if (dropped > 0) this.options.log(`agent: spool full: dropped the ${dropped} oldest batches; ${this.spool.droppedBatches} dropped in all`);
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.sending || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, delayMs);
  }

  /** Spools what is gathered and sends what is spooled; true when nothing is left waiting. */
  async flush(): Promise<boolean> {
    if (this.pending.length > 0) this.spoolBatch(this.pending.splice(0));
    if (this.sending) return false;
    this.sending = true;
    try {
      for (let batch = this.spool.oldest(); batch; batch = this.spool.oldest()) {
        const response = await fetch(`${this.options.sinkUrl}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.token}` },
          body: batch.body,
          signal: AbortSignal.timeout(10_000),
        });
        const text = await response.text();
        const retryable = response.status === 429 || response.status >= 500;
        if (retryable) throw new Error(`central answered ${response.status}`);
        // Delivered, or refused for good (bad credential, invalid spans): retrying would not help.
        if (response.status !== 200) this.options.log(`agent: central refused a batch: ${response.status} ${text.slice(0, 200)}`);
        else this.sent += 1;
        this.spool.remove(batch.name);
        this.failures = 0;
      }
    } catch (error) {
      this.failures += 1;
      this.options.log(`agent: forwarding failed (${(error as Error).message}); ${this.spool.length} batches kept, retrying`);
    } finally {
      this.sending = false;
    }
    if (this.spool.length > 0) {
      const backoff = Math.min(30_000, 200 * 2 ** this.failures) * (0.5 + Math.random() / 2);
      this.schedule(backoff);
    }
    return this.spool.length === 0;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
