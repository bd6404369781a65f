/** GET /api/canaries and /api/canaries/{id}/runs, as the console reads them. */
export interface CanaryStepJson {
  name: string;
  method: string;
  url: string;
  spanId: string;
  durationMs: number;
  status: number | null;
  ok: boolean;
  failure: string | null;
}

export interface CanaryRunJson {
  canaryId: string;
  journeyName: string;
  traceId: string;
  startedAtMs: number;
  durationMs: number;
  ok: boolean;
  failure: string | null;
  trigger: 'schedule' | 'manual';
  stored: boolean;
  steps: CanaryStepJson[];
}

export interface CanaryJson {
  id: string;
  name: string;
  everySeconds: number;
  service: string;
  steps: Array<{ name: string; method: string; url: string }>;
  lastRun: CanaryRunJson | null;
  stats: { runs: number; failures: number; skipped: number };
}
