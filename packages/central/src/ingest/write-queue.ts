import { RecentKeys } from '@stitch/cost';
import { concatBatches, type SpanBatch } from '@stitch/model';
import type { TraceWrites } from '@stitch/store';
import { DrainRate } from './drain-rate.ts';
import type { StoreBacklog } from './ingest-admission.ts';
import { clockMicros, StageTimes } from './stage-times.ts';

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
  resolve: (outcome: WriteOutcome) => void;
  reject: (error: Error) => void;
  queuedAtMicros: number;
}

export interface WriteQueueOptions {
  /** Where the queue's time goes: dedup, queue-wait, store-append, commit (GET /api/ingest/stages). */
  times?: StageTimes;
  /** Milliseconds, for the drain rate (tests pass their own). */
  now?: () => number;
  maxSpansPerWrite?: number;
  /** Writes in flight at once (the store's lanes). */
  concurrentWrites?: number;
}

/** Delivery ids this process stored, remembered: a sender retries within minutes. */
const REMEMBERED_DELIVERIES = 100_000;

/**
 * Group commit: requests that arrive while writes are running are stored together in the
 * next transaction, with up to `concurrentWrites` transactions in flight (the store's lanes).
 * Each caller's promise settles only once its own spans are stored, so an acknowledgement
 * always means "queryable". If a combined write fails, each request is retried alone so one
 * bad batch cannot fail its neighbours.
 *
 * A delivery id (the sender's idempotency key) makes a retry harmless: one already stored is
 * acknowledged without storing it again, and one still being written waits for that write.
 * Stored is known from the ids this process stored (remembered, bounded), else from the store,
 * asked once per combined write for all its ids not remembered: a retry of a delivery stored
 * before a restart is still recognised, without a store round trip per request.
 * Each write is numbered (`numbering`) and its outcome told, so what is counted from stored
 * spans counts every write once, in order (DerivedFigures).
 */
export class WriteQueue implements StoreBacklog {
  private queue: QueuedWrite[] = [];
  private queuedSpans = 0;
  private writingSpans = 0;
  private writesInFlight = 0;
  private readonly deliveriesInFlight = new Map<string, Promise<WriteOutcome>>();
  private readonly times: StageTimes;
  private readonly drain: DrainRate;
  private readonly maxSpansPerWrite: number;
  private readonly concurrentWrites: number;
  private readonly storedDeliveries = new RecentKeys(REMEMBERED_DELIVERIES);

  constructor(
    private readonly store: TraceWrites,
    private readonly numbering: WriteNumbering,
    options: WriteQueueOptions = {},
  ) {
    this.times = options.times ?? new StageTimes();
    this.drain = new DrainRate(options.now);
    this.maxSpansPerWrite = options.maxSpansPerWrite ?? 50_000;
    this.concurrentWrites = options.concurrentWrites ?? 2;
  }

  /** Spans waiting for a write to start. */
  get pendingSpans(): number {
    return this.queuedSpans;
  }

  get backlogSpans(): number {
    return this.queuedSpans + this.writingSpans;
  }

  get drainSpansPerSecond(): number | null {
    return this.drain.spansPerSecond;
  }

  /** Resolves once stored: 'duplicate' when the delivery id came with spans stored before. */
  async write(spans: SpanBatch, deliveryId?: string): Promise<WriteOutcome> {
    if (deliveryId === undefined) return this.enqueue(spans, undefined);
    if (this.storedDeliveries.has(deliveryId)) return 'duplicate';
    const earlier = this.deliveriesInFlight.get(deliveryId);
    if (earlier) return earlier.then(() => 'duplicate');
    const outcome = this.enqueue(spans, deliveryId);
    this.deliveriesInFlight.set(deliveryId, outcome);
    try {
      return await outcome;
    } finally {
      this.deliveriesInFlight.delete(deliveryId);
    }
  }

  private enqueue(spans: SpanBatch, deliveryId: string | undefined): Promise<WriteOutcome> {
    if (spans.length === 0 && deliveryId === undefined) return Promise.resolve('stored');
    return new Promise((resolve, reject) => {
      this.queue.push({ spans, deliveryId, resolve, reject, queuedAtMicros: clockMicros() });
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
      this.times.since('queue-wait', next.queuedAtMicros);
      group.push(next);
    }
    return group;
  }

  private async writeGroup(group: QueuedWrite[]): Promise<void> {
    try {
      const fresh = await this.withoutStored(group);
      if (fresh.length > 0) await this.writeTogether(fresh);
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error as Error);
        return;
      }
      for (const item of group) await this.writeGroup([item]);
    }
  }

  /** The writes whose delivery was not stored before; the others are answered 'duplicate'. */
  private async withoutStored(group: QueuedWrite[]): Promise<QueuedWrite[]> {
    const unknown = group.flatMap((item) => (item.deliveryId === undefined || this.storedDeliveries.has(item.deliveryId) ? [] : [item.deliveryId]));
    const lookup = clockMicros();
    const stored = unknown.length > 0 ? await this.store.storedDeliveries(unknown) : new Set<string>();
    if (unknown.length > 0) this.times.since('dedup', lookup);
    const fresh: QueuedWrite[] = [];
    for (const item of group) {
      if (item.deliveryId !== undefined && (stored.has(item.deliveryId) || this.storedDeliveries.has(item.deliveryId))) {
        this.storedDeliveries.set(item.deliveryId, true);
        item.resolve('duplicate');
      } else {
        fresh.push(item);
      }
    }
    return fresh;
  }

  private async writeTogether(group: QueuedWrite[]): Promise<void> {
    const seq = this.numbering.nextSeq();
    const deliveryIds = group.flatMap((item) => (item.deliveryId === undefined ? [] : [item.deliveryId]));
    const batch = concatBatches(group.map((item) => item.spans));
    this.writingSpans += batch.length;
    this.drain.started();
    try {
      await this.store.writeBatch(batch, deliveryIds, seq, this.times.add);
    } catch (error) {
      this.drain.finished(0);
      this.numbering.written(seq, null);
      throw error;
    } finally {
      this.writingSpans -= batch.length;
    }
    this.drain.finished(batch.length);
    this.numbering.written(seq, batch);
    for (const id of deliveryIds) this.storedDeliveries.set(id, true);
    for (const item of group) item.resolve('stored');
  }
}
