import type { AggregatorOptions } from '@stitch/graph';
import { spansToBatch, type Span, type SpanBatch } from '@stitch/model';
import { StoreError, type DerivedCheckpoint, type DerivedCommit, type DerivedStateStore, type TraceReads } from '@stitch/store';
import { ServiceMapFigures } from './service-map-figures.ts';
import { SpanMetricsFigures } from './span-metrics-figures.ts';
import type { StoredBatchProcessor } from './stored-batch-processor.ts';
import type { UsageMeter } from './usage-meter.ts';
import { clockMicros, StageTimes } from '../ingest/stage-times.ts';

/** What the figures read and commit: the checkpoint and writes, and the spans that waited for a partner. */
export type DerivedFiguresStore = DerivedStateStore & Pick<TraceReads, 'getTraces'>;

export interface DerivedFiguresOptions extends AggregatorOptions {
  /** How often counted figures are committed to the store (default 5 s). */
  flushEveryMs?: number;
  usage: UsageMeter;
  log: (message: string) => void;
  now: () => number;
  /** Told each processor's time per stored write (`derive:<name>`), and the flushes' and commits' (`derive-flush`, `derive-commit`). */
  times?: StageTimes;
}

/** Writes read back from the store at a time, when counting catches up. */
const WRITES_PER_READ = 16;
/** Spans stored just before the checkpoint whose traces the usage meter remembers again (about 20 s of a busy central's). */
const REMEMBERED_SPANS = 20_000;

/**
 * The service map, span metrics and usage counted from stored spans, as durable as the spans
 * (derived-state.ts in @stitch/store). Central numbers each write of spans (`nextSeq`, stored
 * with them); the figures count the writes strictly in that order, and every few seconds they
 * are committed with a checkpoint: the last write counted, and the spans the map holds waiting
 * for a partner (uncounted). After a restart, a failed commit, or a write whose outcome is
 * unknown (it failed: it may have landed in part), counting restarts from the last committed
 * checkpoint: the waiting spans are taken back, and the writes after it are read from the store
 * and counted, so each stored span is counted exactly once. Memory stays bounded whatever the
 * store does: nothing is kept for a retry, it is counted again from the store instead.
 */
export class DerivedFigures {
  private readonly serviceMap: ServiceMapFigures;
  /** Every figure counted from stored writes, committed together. */
  private readonly processors: StoredBatchProcessor[];
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  /** The last checkpoint the store holds. */
  private committed: DerivedCheckpoint;
  /** The number the next write gets. */
  private seq: number;
  /** Every write up to this one has finished (stored or failed). */
  private finishedThrough: number;
  /** Writes finished while an earlier one is still running, by number (null: failed). */
  private readonly finished = new Map<number, SpanBatch | null>();
  /** Every write up to this one is counted (or waiting), when not `behind`. */
  private countedThrough: number;
  /** Counting must restart from the committed checkpoint (at the next flush). */
  private behind = true;
  private settledMs: number;
  /** Why the last commit failed in the store (a full disk), until one succeeds. */
  private storeFailure: string | null = null;
  private retrying: Promise<void> | null = null;
  private readonly times: StageTimes;

  private constructor(
    private readonly store: DerivedFiguresStore,
    private readonly options: DerivedFiguresOptions,
    checkpoint: DerivedCheckpoint,
    lastSeq: number,
  ) {
    this.serviceMap = new ServiceMapFigures(options);
    this.processors = [this.serviceMap, new SpanMetricsFigures(), options.usage];
    this.times = options.times ?? new StageTimes(options.now);
    this.settledMs = options.now() - this.serviceMap.pairWaitMs;
    this.committed = checkpoint;
    this.seq = Math.max(lastSeq, checkpoint.throughSeq);
    this.finishedThrough = this.seq;
    this.countedThrough = checkpoint.throughSeq;
    this.timer = setInterval(() => void this.flush(), options.flushEveryMs ?? 5_000);
    this.timer.unref();
  }

  /**
   * Reads where counting stands, and starts catching up with what was stored after it. A store without a
   * checkpoint (new, or from before checkpoints) starts from its last write, what it holds being
   * counted before: that checkpoint is committed at once, before any write is numbered, so a
   * central killed before its first commit is not taken for one from before checkpoints.
   */
  static async open(store: DerivedFiguresStore, options: DerivedFiguresOptions): Promise<DerivedFigures> {
    const lastSeq = await store.lastIngestSeq();
    let checkpoint = await store.readDerivedCheckpoint();
    if (!checkpoint) {
      checkpoint = { throughSeq: lastSeq, waiting: [] };
      await store.commitDerived({ graphRecords: [], metricRecords: [], usageRows: [], checkpoint });
    }
    const figures = new DerivedFigures(store, options, checkpoint, lastSeq);
    // Catching up reads the writes after the checkpoint: in the background, so central listens at
    // once (writes stored meanwhile are numbered after them, and read too before counting goes live).
    void figures.flush();
    return figures;
  }

  /**
   * Spans received before this moment (unix ms) are counted, settled and committed: a window of
   * the map ending later would miss calls still waiting for their callee.
   */
  get settledThroughMs(): number {
    return this.settledMs;
  }

  /** The number of the next write of spans. */
  nextSeq(): number {
    return ++this.seq;
  }

  /** A numbered write finished: its spans when stored, null when it failed (it may have landed in part). Counted in number order. */
  written(seq: number, batch: SpanBatch | null): void {
    this.finished.set(seq, batch);
    for (let next = this.finishedThrough + 1; this.finished.has(next); next++) {
      const stored = this.finished.get(next)!;
      this.finished.delete(next);
      this.finishedThrough = next;
      if (this.behind) continue; // read from the store when counting catches up
      if (stored === null) {
        this.behind = true;
        continue;
      }
      this.count(stored);
      this.countedThrough = next;
    }
  }

  /** Spans a federated agent's map could not pair: not stored here, so not recounted after a restart. */
  addUnpaired(spans: readonly Span[]): void {
    this.safely(`${spans.length} handed-over spans`, () => this.serviceMap.addUnpaired(spans, this.options.now()));
  }

  /** Catches up if behind, settles what waited long enough (everything when `settleAll`), and commits. */
  flush(settleAll = false): Promise<void> {
    this.flushing = this.flushing.then(() => this.commit(settleAll)).catch((error: unknown) => {
      this.behind = true;
      if (error instanceof StoreError) this.storeFailure = error.message;
      this.options.log(`derived figures: not committed, counted again from the store at the next try (${(error as Error).message})`);
    });
    return this.flushing;
  }

  /**
   * Why the figures cannot be saved now (their last commit failed in the store), or null. Asked
   * again before answering: one try at a time, shared by the requests that ask meanwhile. Ingest
   * refuses while they cannot (503): spans stored without their figures would pile up behind them.
   */
  async unavailable(): Promise<string | null> {
    if (this.storeFailure === null) return null;
    this.retrying ??= this.flush().finally(() => (this.retrying = null));
    await this.retrying;
    return this.storeFailure;
  }

  /** Commits what is counted; the spans still waiting for a partner stay waiting, in the checkpoint, for the next start. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async commit(settleAll: boolean): Promise<void> {
    if (this.behind) await this.catchUp();
    const nowMs = this.options.now();
    const settled = settleAll ? nowMs : nowMs - this.serviceMap.pairWaitMs;
    let started = clockMicros();
    const parts = this.processors.map((processor) => this.safely('flushing counted figures', () => processor.flush(nowMs, settleAll)) ?? {});
    started = this.times.since('derive-flush', started);
    const checkpoint: DerivedCheckpoint = { throughSeq: this.countedThrough, waiting: this.serviceMap.waiting() };
    const counted = parts.reduce<Omit<DerivedCommit, 'checkpoint'>>((all, part) => ({ ...all, ...part }), { graphRecords: [], metricRecords: [], usageRows: [] });
    const commit: DerivedCommit = { ...counted, checkpoint };
    const nothingNew = commit.graphRecords.length === 0 && commit.metricRecords.length === 0 && commit.usageRows.length === 0 && JSON.stringify(checkpoint) === JSON.stringify(this.committed);
    if (!nothingNew) {
      try {
        await this.store.commitDerived(commit);
        this.times.since('derive-commit', started);
      } catch (error) {
        for (const processor of this.processors) processor.failed();
        throw error;
      }
      this.committed = checkpoint;
    }
    this.storeFailure = null;
    this.settledMs = Math.max(this.settledMs, settled);
  }

  /** Counting again from the committed checkpoint: its waiting spans, then every write after it, read from the store. */
  private async catchUp(): Promise<void> {
    // Read again: a commit that failed to answer may have landed.
    this.committed = (await this.store.readDerivedCheckpoint()) ?? this.committed;
    const { throughSeq, waiting } = this.committed;
    for (const processor of this.processors) processor.restart();
    this.countedThrough = throughSeq;
    await this.rememberCountedTraces(throughSeq);
    if (waiting.length > 0) {
      const traces = await this.store.getTraces([...new Set(waiting.map((ref) => ref.traceId))]);
      const wanted = new Set(waiting.map((ref) => `${ref.traceId}/${ref.spanId}`));
      const spans = [...traces.values()].flat().filter((span) => wanted.has(`${span.traceId}/${span.spanId}`));
      this.serviceMap.addUnpaired(spans, this.options.now());
    }
    // Writes keep finishing meanwhile (not counted while behind): read until none is left.
    while (this.countedThrough < this.finishedThrough) {
      const to = Math.min(this.finishedThrough, this.countedThrough + WRITES_PER_READ);
      for (const write of await this.store.readWrites(this.countedThrough, to)) this.count(spansToBatch(write.spans));
      this.countedThrough = to;
    }
    if (this.countedThrough > throughSeq) this.options.log(`derived figures: writes ${throughSeq + 1} to ${this.countedThrough} counted from the store, after the checkpoint of write ${throughSeq}`);
    this.behind = false;
  }

  /**
   * The usage meter counts a trace once per (account, service, day) by remembering the keys it
   * counted: it remembers again those of the last REMEMBERED_SPANS spans stored before the
   * checkpoint, so a trace whose parts straddle the checkpoint is not counted twice (unless its
   * parts arrive further apart than that: read back whole, as many as the meter remembers would
   * make every start seconds slower).
   */
  private async rememberCountedTraces(throughSeq: number): Promise<void> {
    let spans = 0;
    const earlier: SpanBatch[] = [];
    // The last write first, then each read twice as many further back: a few reads however small
    // the writes, and never many more spans than needed however large (16 writes of a bulk load
    // were 500,000 spans, converted on the event loop while ingest waited 17 s).
    for (let to = throughSeq, count = 1; to > 0 && spans < REMEMBERED_SPANS; to -= count, count *= 2) {
      const writes = await this.store.readWrites(Math.max(0, to - count), to);
      for (const write of writes.reverse()) {
        earlier.push(spansToBatch(write.spans));
        spans += write.spans.length;
      }
    }
    // Oldest first, as they were counted.
    for (const batch of earlier.reverse()) this.options.usage.rememberStored(batch);
  }

  private count(batch: SpanBatch): void {
    const nowMs = this.options.now();
    let started = clockMicros();
    for (const processor of this.processors) {
      this.safely(`a batch of ${batch.length} spans`, () => processor.stored(batch, nowMs));
      started = this.times.since(`derive:${processor.name}`, started);
    }
  }

  /** Counting never fails a request: the spans are stored and acknowledged whatever the figures make of them. */
  private safely<T>(what: string, work: () => T): T | undefined {
    try {
      return work();
    } catch (error) {
      this.options.log(`derived figures: ${what} not counted (${(error as Error).stack ?? String(error)})`);
      return undefined;
    }
  }
}

