import { concatBatches, type SpanBatch } from '@stitch/model';
import type { TraceStore } from '@stitch/store';

interface QueuedWrite {
  spans: SpanBatch;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Group commit: requests that arrive while writes are running are stored together in the
 * next transaction, with up to `concurrentWrites` transactions in flight (the store's lanes).
 * Each caller's promise settles only once its own spans are stored, so an acknowledgement
 * always means "queryable". If a combined write fails, each request is retried alone so one
 * bad batch cannot fail its neighbours.
 */
export class WriteQueue {
  private queue: QueuedWrite[] = [];
  private queuedSpans = 0;
  private writesInFlight = 0;

  constructor(
    private readonly store: TraceStore,
    private readonly maxSpansPerWrite = 50_000,
    private readonly concurrentWrites = 2,
  ) {}

  get pendingSpans(): number {
    return this.queuedSpans;
  }

  write(spans: SpanBatch): Promise<void> {
    if (spans.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ spans, resolve, reject });
      this.queuedSpans += spans.length;
      this.startWrites();
    });
  }

  private startWrites(): void {
    while (this.queue.length > 0 && this.writesInFlight < this.concurrentWrites) {
      this.writesInFlight += 1;
      void this.writeGroup(this.takeGroup()).finally(() => {
        this.writesInFlight -= 1;
        this.startWrites();
      });
    }
  }

  private takeGroup(): QueuedWrite[] {
    const group: QueuedWrite[] = [];
    let count = 0;
    while (this.queue.length > 0 && (group.length === 0 || count + this.queue[0]!.spans.length <= this.maxSpansPerWrite)) {
      const next = this.queue.shift()!;
      count += next.spans.length;
      this.queuedSpans -= next.spans.length;
      group.push(next);
    }
    return group;
  }

  private async writeGroup(group: QueuedWrite[]): Promise<void> {
    try {
      await this.store.writeBatch(concatBatches(group.map((item) => item.spans)));
      for (const item of group) item.resolve();
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error as Error);
        return;
      }
      for (const item of group) await this.writeGroup([item]);
    }
  }
}
