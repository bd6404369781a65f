import { RecentKeys } from '@stitch/cost';
import { concatBatches, type SpanBatch } from '@stitch/model';
import type { TraceWrites } from '@stitch/store';
import { DrainRate } from './drain-rate.ts';
import type { StoreBacklog } from './ingest-admission.ts';
import type { IngestLog, LoggedRequest } from './ingest-log.ts';
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
  /** Durable in the ingest log and answered already: a failed write is retried, not reported. */
  logged: LoggedRequest | null;
  /** Whether the delivery may be stored already (false for an id central just made). */
  checkStore: boolean;
  resolve: (outcome: WriteOutcome) => void;
  reject: (error: Error) => void;
  queuedAtMicros: number;
  /** Failed writes of it alone, and when the first failed. */
  failures: number;
  firstFailedMs: number;
  settled: Promise<void>;
  /** Waiting to be tried again after a failed write. */
  inBackoff: boolean;
  /** Told when its next write fails (reads waiting for it stop waiting). */
  onFailure: Array<() => void>;
}

export interface WriteQueueOptions {
  /** Where the queue's time goes: dedup, queue-wait, store-append, commit (GET /api/ingest/stages). */
  times?: StageTimes;
  /** Milliseconds, for the drain rate (tests pass their own). */
  now?: () => number;
  maxSpansPerWrite?: number;
  /** Writes in flight at once (the store's lanes). */
  concurrentWrites?: number;
  /**
   * How long requests already answered (durable in `log`) may wait to be stored together
   * (default 200 ms): a store writes far fewer bytes and rows per span in large transactions.
   * A write starts sooner when a read waits for it (`caughtUp`) or a caller waits for its answer.
   */
  lingerMs?: number;
  /** Where accepted requests are durable before they are stored (`accept`, `replay`). */
  log?: IngestLog;
  /** Told of what it does on its own: a logged request it could not store and set aside. */
  notice?: (message: string) => void;
}

/** Delivery ids this process stored, remembered: a sender retries within minutes. */
const REMEMBERED_DELIVERIES = 100_000;
/** A logged request whose write fails alone is tried again after 1, 2, 4… s (at most 30 s). */
const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 30_000;
/** Failures alone, while other writes succeed, after which a logged request is set aside (dead-lettered). */
const FAILURES_BEFORE_DEAD_LETTER = 3;

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
 *
 * With an ingest log, a request is answered once it is durable there (`accept`), and its spans
 * wait up to `lingerMs` to be stored with others: what a store pays per transaction is paid for
 * thousands of spans. A read waits for what was answered before it (`caughtUp`), so an answered
 * span is found. A logged request's failed write is retried (its sender was told it is safe);
 * one that fails alone again and again while other writes succeed is set aside in the log's
 * dead-letter folder, never dropped unseen.
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
  private readonly lingerMs: number;
  private readonly log: IngestLog | null;
  private readonly notice: (message: string) => void;
  /** Queued writes someone waits for (a caller's answer, or a read): no lingering then. */
  private waitedFor = 0;
  private lingerTimer: NodeJS.Timeout | null = null;
  /** Queued, being written, or waiting to be retried: what a read must wait for. */
  private readonly unsettled = new Set<QueuedWrite>();
  private retryingSpans = 0;
  private lastStoredMs = 0;
  private closing = false;

  constructor(
    private readonly store: TraceWrites,
    private readonly numbering: WriteNumbering,
    options: WriteQueueOptions = {},
  ) {
    this.times = options.times ?? new StageTimes();
    this.drain = new DrainRate(options.now);
    this.maxSpansPerWrite = options.maxSpansPerWrite ?? 50_000;
    this.concurrentWrites = options.concurrentWrites ?? 2;
    this.lingerMs = options.lingerMs ?? 200;
    this.log = options.log ?? null;
    this.notice = options.notice ?? (() => {});
  }

  /** Whether requests are answered once durable in an ingest log (`accept`). */
  get logged(): boolean {
    return this.log !== null;
  }

  /** Spans waiting for a write to start. */
  get pendingSpans(): number {
    return this.queuedSpans;
  }

  get backlogSpans(): number {
    return this.queuedSpans + this.writingSpans + this.retryingSpans;
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

  /**
   * A request's spans, durable in the ingest log first: resolves once they are ('accepted'), or at
   * once when the delivery is stored or already accepted ('duplicate'). `onStored` is called
   * when they are stored. `knownNew`: the delivery id was just made by central, so the store
   * cannot hold it. Throws what the log's append threw (the request was not accepted).
   */
  async accept(spans: SpanBatch, request: Omit<LoggedRequest, 'position'>, onStored: () => void, knownNew: boolean): Promise<'accepted' | 'duplicate'> {
    const log = this.log;
    if (!log) throw new Error('write queue: accept needs an ingest log');
    const { deliveryId } = request.meta;
    if (this.storedDeliveries.has(deliveryId) || this.deliveriesInFlight.has(deliveryId)) return 'duplicate';
    let logged!: (position: number | null) => void;
    const position = new Promise<number | null>((resolve) => (logged = resolve));
    this.track(deliveryId, position.then((at) => (at === null ? 'duplicate' : this.queueLogged(spans, { ...request, position: at }, !knownNew, onStored))));
    try {
      logged(await log.append(request.meta, request.body));
      return 'accepted';
    } catch (error) {
      logged(null);
      throw error;
    }
  }

  /** A request an earlier run logged and may not have stored (IngestLog.takeRecovered), decoded again. */
  replay(spans: SpanBatch, request: LoggedRequest, onStored: () => void): void {
    if (this.deliveriesInFlight.has(request.meta.deliveryId)) this.log?.release(request.position);
    else this.track(request.meta.deliveryId, this.queueLogged(spans, request, true, onStored));
  }

  /** Remembers a delivery as in flight until `outcome` settles. */
  private track(deliveryId: string, outcome: Promise<WriteOutcome>): void {
    this.deliveriesInFlight.set(deliveryId, outcome);
    void outcome.finally(() => this.deliveriesInFlight.delete(deliveryId));
  }

  /**
   * How the logged request ended: stored, a duplicate, or set aside in the dead-letter folder
   * (answered 'duplicate': nothing of it is stored); its log record is then released, unless it
   * could not be set aside either: it then stays in the log for the next start.
   */
  private async queueLogged(spans: SpanBatch, request: LoggedRequest, checkStore: boolean, onStored: () => void): Promise<WriteOutcome> {
    let release = true;
    try {
      const outcome = await this.enqueue(spans, request.meta.deliveryId, request, checkStore);
      if (outcome === 'stored') onStored();
      return outcome;
    } catch (error) {
      const what = `ingest: a logged request (${spans.length} spans, delivery ${request.meta.deliveryId}) failed to store ${FAILURES_BEFORE_DEAD_LETTER} times while other writes succeeded (${(error as Error).message})`;
      try {
        this.notice(`${what}; set aside in ${await this.log!.deadLetter(request, (error as Error).message)}`);
      } catch (letterError) {
        release = false;
        this.notice(`${what}; it could not be set aside (${(letterError as Error).message}), so it stays in the ingest log for the next start`);
      }
      return 'duplicate';
    } finally {
      if (release) this.log!.release(request.position);
    }
  }

  /**
   * Resolves once every write accepted before the call is stored, or has failed once (a failing
   * store must not hold reads: those waiting to be retried are not waited for), or after
   * `maxWaitMs`. They are written now, not after the linger.
   */
  async caughtUp(maxWaitMs = 5_000): Promise<void> {
    if (this.unsettled.size === 0) return;
    const pending = [...this.unsettled].filter((item) => !item.inBackoff).map((item) => Promise.race([item.settled, new Promise<void>((resolve) => item.onFailure.push(resolve))]));
    this.waitedFor += 1;
    this.startWrites();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([Promise.all(pending), new Promise((resolve) => (timer = setTimeout(resolve, maxWaitMs)))]);
    } finally {
      clearTimeout(timer);
      this.waitedFor -= 1;
    }
  }

  /** Stores what is queued, without lingering from now on (central is closing). */
  async finish(maxWaitMs = 5_000): Promise<void> {
    this.closing = true;
    await this.caughtUp(maxWaitMs);
  }

  private enqueue(spans: SpanBatch, deliveryId: string | undefined, logged: LoggedRequest | null = null, checkStore = true): Promise<WriteOutcome> {
    if (spans.length === 0 && deliveryId === undefined) return Promise.resolve('stored');
    let item!: QueuedWrite;
    const outcome = new Promise<WriteOutcome>((resolve, reject) => {
      item = { spans, deliveryId, logged, checkStore, resolve, reject, queuedAtMicros: clockMicros(), failures: 0, firstFailedMs: 0, settled: Promise.resolve(), inBackoff: false, onFailure: [] };
    });
    item.settled = outcome.then(
      () => {},
      () => {},
    );
    if (!logged) this.waitedFor += 1;
    void item.settled.finally(() => {
      this.unsettled.delete(item);
      if (!logged) this.waitedFor -= 1;
    });
    this.unsettled.add(item);
    this.queue.push(item);
    this.queuedSpans += spans.length;
    this.startWrites();
    return outcome;
  }

  /** Whether a write should start now: someone waits, enough is queued, or the oldest has lingered long enough. */
  private readyToWrite(): boolean {
    if (this.waitedFor > 0 || this.closing || this.queuedSpans >= this.maxSpansPerWrite) return true;
    const lingeredMs = (clockMicros() - this.queue[0]!.queuedAtMicros) / 1_000;
    if (lingeredMs >= this.lingerMs) return true;
    this.lingerTimer ??= setTimeout(() => {
      this.lingerTimer = null;
      this.startWrites();
    }, Math.max(1, this.lingerMs - lingeredMs));
    this.lingerTimer.unref();
    return false;
  }

  private startWrites(): void {
    while (this.queue.length > 0 && this.writesInFlight < this.concurrentWrites && this.readyToWrite()) {
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
      if (group.length > 1) {
        for (const item of group) await this.writeGroup([item]);
        return;
      }
      const item = group[0]!;
      if (!item.logged) item.reject(error as Error);
      else this.retryLater(item, error as Error);
    }
  }

  /**
   * A logged request's write failed alone: tried again later, unless it failed that way
   * repeatedly while other writes succeeded (the store works; this request does not store).
   */
  private retryLater(item: QueuedWrite, error: Error): void {
    const nowMs = Date.now();
    for (const failed of item.onFailure.splice(0)) failed();
    if (item.failures++ === 0) item.firstFailedMs = nowMs;
    if (item.failures >= FAILURES_BEFORE_DEAD_LETTER && this.lastStoredMs > item.firstFailedMs) {
      item.reject(error);
      return;
    }
    this.retryingSpans += item.spans.length;
    item.inBackoff = true;
    // The failed write may have landed in part (ClickHouse), or landed before its answer was lost.
    item.checkStore = true;
    setTimeout(
      () => {
        this.retryingSpans -= item.spans.length;
        item.inBackoff = false;
        item.queuedAtMicros = clockMicros();
        this.queue.unshift(item);
        this.queuedSpans += item.spans.length;
        this.startWrites();
      },
      Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (item.failures - 1)),
    ).unref();
  }

  /** The writes whose delivery was not stored before; the others are answered 'duplicate'. */
  private async withoutStored(group: QueuedWrite[]): Promise<QueuedWrite[]> {
    const unknown = group.flatMap((item) => (item.deliveryId === undefined || !item.checkStore || this.storedDeliveries.has(item.deliveryId) ? [] : [item.deliveryId]));
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
    let stored: SpanBatch;
    try {
      stored = await this.store.writeBatch(batch, deliveryIds, seq, this.times.add);
    } catch (error) {
      this.drain.finished(0);
      this.numbering.written(seq, null);
      throw error;
    } finally {
      this.writingSpans -= batch.length;
    }
    this.drain.finished(batch.length);
    this.lastStoredMs = Date.now();
    // What this write stored: a retry of a partly landed delivery stores only the rest, and what
    // landed before was counted from the store (that write's outcome was unknown).
    this.numbering.written(seq, stored);
    for (const id of deliveryIds) this.storedDeliveries.set(id, true);
    for (const item of group) item.resolve('stored');
  }
}
