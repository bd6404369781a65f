import type { IngestStagesJson } from '@stitch/api';

/** The stages in pipeline order (IngestStagesJson); `derive:<processor>` and others follow in the order first seen. */
const PIPELINE = ['read-body', 'decompress', 'decode', 'checks', 'trace-limits', 'dedup', 'queue-wait', 'store-append', 'commit'] as const;

/** A stage's time so far. */
interface StageTotal {
  micros: number;
  calls: number;
}

/** Request outcomes of POST /v1/traces, as GET /api/ingest/stages counts them. */
export type IngestOutcome = keyof IngestStagesJson['requests'];

/** The clock the stages are timed with: cheap (no allocation, no system call), a few reads per request and never per span. */
export const clockMicros = (): number => performance.now() * 1_000;

/**
 * Where central's ingest time goes (GET /api/ingest/stages): microseconds and calls per stage,
 * requests by outcome and spans acknowledged, all cumulative since central started.
 */
export class StageTimes {
  private readonly stages = new Map<string, StageTotal>(PIPELINE.map((stage) => [stage, { micros: 0, calls: 0 }]));
  private readonly requests: IngestStagesJson['requests'] = { stored: 0, shed: 0, refused: 0 };
  private spans = 0;
  private readonly sinceMs: number;

  constructor(now: () => number = Date.now) {
    this.sinceMs = now();
  }

  /** Adds `micros` to a stage (bound: pass it where a timer is wanted). */
  readonly add = (stage: string, micros: number): void => {
    const total = this.stages.get(stage);
    if (total) {
      total.micros += micros;
      total.calls += 1;
    } else {
      this.stages.set(stage, { micros, calls: 1 });
    }
  };

  /** Adds the time from `startMicros` (clockMicros) to now to a stage, and returns now: the next stage's start. */
  since(stage: string, startMicros: number): number {
    const now = clockMicros();
    this.add(stage, now - startMicros);
    return now;
  }

  /** A request answered: its outcome, and its spans when acknowledged. */
  answered(outcome: IngestOutcome, spans = 0): void {
    this.requests[outcome] += 1;
    this.spans += spans;
  }

  /** How many times a stage ran so far (0 when never). */
  callsOf(stage: string): number {
    return this.stages.get(stage)?.calls ?? 0;
  }

  snapshot(): IngestStagesJson {
    return {
      sinceMs: this.sinceMs,
      requests: { ...this.requests },
      spans: this.spans,
      stages: [...this.stages].map(([stage, total]) => ({ stage, micros: Math.round(total.micros), calls: total.calls })),
    };
  }
}
