import type { Journey } from './journey.ts';

/** One step of a run, as it went. Times are unix milliseconds (fractional) and milliseconds. */
export interface StepResult {
  name: string;
  method: string;
  url: string;
  /** The step's client span: the parent the target saw in its trace headers. */
  spanId: string;
  startedAtMs: number;
  durationMs: number;
  /** The HTTP status, null when no answer came (timeout, refused connection). */
  status: number | null;
  ok: boolean;
  /** The assertion that failed ("status = 200 failed: got 503"), or why no answer came. */
  failure: string | null;
}

/** One run of a journey: one trace. Steps after the first failed one are not run. */
export interface CanaryRun {
  canaryId: string;
  journeyName: string;
  traceId: string;
  /** The run's root span (its journey span). */
  spanId: string;
  startedAtMs: number;
  durationMs: number;
  ok: boolean;
  /** "<step>: <failure>" of the step that failed, null when every step passed. */
  failure: string | null;
  steps: StepResult[];
}

/** A run as central keeps and answers it. */
export interface CanaryRunRecord extends CanaryRun {
  trigger: 'schedule' | 'manual';
  /** Whether its spans reached the store (a store outage loses the trace, not the result). */
  stored: boolean;
}

export interface CanaryStats {
  /** Since central started. */
  runs: number;
  failures: number;
  /** Due times skipped because the previous run was still going. */
  skipped: number;
}

/** A canary as GET /api/canaries answers it: its journey, the service its runs appear as, its last run and counts. */
export type CanaryJson = Journey & { service: string; lastRun: CanaryRunRecord | null; stats: CanaryStats };
