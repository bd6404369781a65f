import { runJourney, runSpans, type CanaryRunRecord, type Journey } from '@stitch/canary';
import { spansToBatch, type SpanBatch } from '@stitch/model';
import type { CanaryRegistry } from './canary-registry.ts';
import type { CanaryRuns } from './canary-runs.ts';
import { CanaryScheduler } from './canary-scheduler.ts';

export interface CanariesOptions {
  /** Stores a run's spans through central's own write path, telling the map, metrics and usage. */
  store: (batch: SpanBatch) => Promise<void>;
  log: (message: string) => void;
  now: () => number;
  /** Where the recent runs are kept (CanaryRuns.open). */
  runs: CanaryRuns;
}

/** When a canary first runs after central starts: soon, but not all at the same moment. */
const STARTUP_DELAY_MS = 2_000;

/**
 * Central's synthetic canaries: the journeys (registry), their schedule, their recent runs.
 * Each run is one trace of the synthetic account, stored like any other. A canary never runs
 * twice at once: a due time that finds the previous run going is skipped (and counted), and a
 * "run now" during a run answers that run.
 */
export class Canaries {
  readonly runs: CanaryRuns;
  private readonly inFlight = new Map<string, { run: Promise<CanaryRunRecord>; abort: AbortController }>();
  private readonly scheduler: CanaryScheduler;
  private stopped = false;

  constructor(
    readonly registry: CanaryRegistry,
    private readonly options: CanariesOptions,
  ) {
    this.scheduler = new CanaryScheduler((id) => this.onDue(id), options.now);
    this.runs = options.runs;
    this.runs.keepOnly(new Set(registry.list().map((journey) => journey.id)));
  }

  /** Schedules the saved canaries (once central listens: a central that failed to start runs none). */
  start(): void {
    this.registry.list().forEach((journey, index) => this.schedule(journey, Math.min(journey.everySeconds * 1000, STARTUP_DELAY_MS + index * 100)));
  }

  async create(journey: Journey): Promise<void> {
    await this.registry.create(journey);
    this.schedule(journey, 0);
  }

  async replace(journey: Journey): Promise<void> {
    await this.registry.replace(journey);
    this.schedule(journey, 0);
  }

  async remove(id: string): Promise<void> {
    await this.registry.remove(id);
    this.scheduler.unschedule(id);
    this.inFlight.get(id)?.abort.abort();
    this.runs.forget(id);
  }

  /** Runs the canary now and answers the run (the one already going, if any). */
  runNow(id: string): Promise<CanaryRunRecord> {
    const journey = this.registry.get(id);
    return this.inFlight.get(id)?.run ?? this.launch(journey, 'manual');
  }

  /** Stops the schedule and aborts the runs going (their results are not kept). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.scheduler.stop();
    const going = [...this.inFlight.values()];
    for (const { abort } of going) abort.abort();
    await Promise.allSettled(going.map(({ run }) => run));
    await this.runs.settled();
  }

  private schedule(journey: Journey, firstDelayMs: number): void {
    if (!this.stopped) this.scheduler.schedule(journey.id, journey.everySeconds * 1000, firstDelayMs);
  }

  private onDue(id: string): void {
    if (this.inFlight.has(id)) return this.runs.skipped(id);
    let journey: Journey;
    try {
      journey = this.registry.get(id);
    } catch {
      return this.scheduler.unschedule(id);
    }
    void this.launch(journey, 'schedule');
  }

  private launch(journey: Journey, trigger: CanaryRunRecord['trigger']): Promise<CanaryRunRecord> {
    const abort = new AbortController();
    const run = this.perform(journey, trigger, abort.signal).finally(() => this.inFlight.delete(journey.id));
    this.inFlight.set(journey.id, { run, abort });
    return run;
  }

  private async perform(journey: Journey, trigger: CanaryRunRecord['trigger'], signal: AbortSignal): Promise<CanaryRunRecord> {
    const run = await runJourney(journey, { now: this.options.now, signal });
    // An aborted run (central stopping, the canary deleted) says nothing about the target.
    if (signal.aborted) return { ...run, trigger, stored: false };
    let stored = true;
    try {
      await this.options.store(spansToBatch(runSpans(run)));
    } catch (error) {
      stored = false;
      this.options.log(`canary ${journey.id}: run ${run.traceId} not stored (${(error as Error).message})`);
    }
    const record: CanaryRunRecord = { ...run, trigger, stored };
    void this.runs.add(record, this.options.log);
    return record;
  }
}
