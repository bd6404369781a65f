import type { Span } from '@stitch/model';
import { spansToOtlpJson } from '@stitch/wire';

export interface SegmentForwarderOptions {
  sinkUrl: string;
  token: string;
  /** Spans held while central cannot take them; beyond it the oldest are dropped, counted and logged. */
  maxBufferedSpans?: number;
  flushEveryMs?: number;
  log: (message: string) => void;
}

/**
 * Spans the agent made from X-Ray segments (UDP has no acknowledgement to hold back): buffered,
 * sent as OTLP/JSON with the link's credential, kept and retried with backoff while central is
 * down or refuses for a while. Bounded, never silently: drops are counted and logged.
 */
export class SegmentForwarder {
  private buffer: Span[] = [];
  private timer: NodeJS.Timeout | null = null;
  private sending = false;
  private failures = 0;
  dropped = 0;
  sent = 0;

  constructor(private readonly options: SegmentForwarderOptions) {}

  add(spans: readonly Span[]): void {
    this.buffer.push(...spans);
    const max = this.options.maxBufferedSpans ?? 100_000;
    if (this.buffer.length > max) {
      const excess = this.buffer.length - max;
      this.buffer.splice(0, excess);
      this.dropped += excess;
      this.options.log(`agent: buffer full (${max} spans): dropped the ${excess} oldest; ${this.dropped} dropped in all`);
    }
    this.schedule(this.options.flushEveryMs ?? 100);
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.sending) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, delayMs);
  }

  /** Sends what is buffered; true when the buffer is empty afterwards. */
  async flush(): Promise<boolean> {
    if (this.sending || this.buffer.length === 0) return this.buffer.length === 0;
    this.sending = true;
    const batch = this.buffer.splice(0, 5_000);
    try {
      const response = await fetch(`${this.options.sinkUrl}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.token}` },
        body: JSON.stringify(spansToOtlpJson(batch)),
        signal: AbortSignal.timeout(10_000),
      });
      if (response.status === 200 || (response.status >= 400 && response.status < 500 && response.status !== 429)) {
        // Delivered, or refused for good (bad credential, invalid spans): retrying would not help.
        if (response.status !== 200) this.options.log(`agent: central refused ${batch.length} spans: ${response.status} ${(await response.text()).slice(0, 200)}`);
        else this.sent += batch.length;
        await response.body?.cancel();
        this.failures = 0;
      } else {
        throw new Error(`central answered ${response.status}`);
      }
    } catch (error) {
      this.buffer.unshift(...batch);
      this.failures += 1;
      this.options.log(`agent: forwarding failed (${(error as Error).message}); ${this.buffer.length} spans kept, retrying`);
    } finally {
      this.sending = false;
    }
    if (this.buffer.length > 0) {
      // Exponential backoff with jitter while failing, straight on while catching up.
      const backoff = this.failures === 0 ? 0 : Math.min(30_000, 200 * 2 ** this.failures) * (0.5 + Math.random() / 2);
      this.schedule(backoff);
    }
    return this.buffer.length === 0;
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
