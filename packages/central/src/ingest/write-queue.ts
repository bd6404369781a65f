import { concatBatches, type SpanBatch } from '@stitch/model';
import type { TraceWrites } from '@stitch/store';

export type WriteOutcome = 'stored' | 'duplicate';

/** Numbers each write of spans and is told how it ended (DerivedFigures). */
export interface WriteNumbering {
  nextSeq(): number;
  /** The write's spans when stored; null when it failed (it may have landed in part). */
  written(seq: number, batch: SpanBatch | null): void;
}

interface QueuedWrite {
  spans: SpanBatch;
  deliveryId: string | undefined;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Group commit: requests that arrive while writes are running are stored together in the
 * next transaction, with up to `concurrentWrites` transactions in flight (the store's lanes).
 * Each caller's promise settles only once its own spans are stored, so an acknowledgement
 * always means "queryable". If a combined write fails, each request is retried alone so one
 * bad batch cannot fail its neighbours.
 *
 * A delivery id (the sender's idempotency key) makes a retry harmless: one already stored is
 * acknowledged without storing it again, and one still being written waits for that write.
 * Each write is numbered (`numbering`) and its outcome told, so what is counted from stored
 * spans counts every write once, in order (DerivedFigures).
 */
export class WriteQueue {
  private queue: QueuedWrite[] = [];
  private queuedSpans = 0;
  private writesInFlight = 0;
  private readonly deliveriesInFlight = new Map<string, Promise<WriteOutcome>>();

  constructor(
    private readonly store: TraceWrites,
    private readonly numbering: WriteNumbering,
    private readonly maxSpansPerWrite = 50_000,
    private readonly concurrentWrites = 2,
  ) {}

  get pendingSpans(): number {
    return this.queuedSpans;
  }

  /** Resolves once stored: 'duplicate' when the delivery id came with spans stored before. */
  async write(spans: SpanBatch, deliveryId?: string): Promise<WriteOutcome> {
    if (deliveryId === undefined) {
      await this.enqueue(spans, undefined);
      return 'stored';
    }
    const earlier = this.deliveriesInFlight.get(deliveryId);
    if (earlier) return earlier.then(() => 'duplicate');
    const outcome = (async (): Promise<WriteOutcome> => {
      if ((await this.store.storedDeliveries([deliveryId])).size > 0) return 'duplicate';
      await this.enqueue(spans, deliveryId);
      return 'stored';
    })();
    this.deliveriesInFlight.set(deliveryId, outcome);
    try {
      return await outcome;
    } finally {
      this.deliveriesInFlight.delete(deliveryId);
    }
  }

  private enqueue(spans: SpanBatch, deliveryId: string | undefined): Promise<void> {
    if (spans.length === 0 && deliveryId === undefined) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ spans, deliveryId, resolve, reject });
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
    const seq = this.numbering.nextSeq();
    try {
      const deliveryIds = group.flatMap((item) => (item.deliveryId === undefined ? [] : [item.deliveryId]));
      const batch = concatBatches(group.map((item) => item.spans));
      try {
        await this.store.writeBatch(batch, deliveryIds, seq);
      } catch (error) {
        this.numbering.written(seq, null);
        throw error;
      }
      this.numbering.written(seq, batch);
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
