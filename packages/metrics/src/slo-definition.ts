import type { MetricSelector } from './metric-record.ts';

/**
 * What "good" means for an SLO's requests: answered within `thresholdMs` (a latency objective,
 * "p99 < 2 s" is `{ kind: 'latency', thresholdMs: 2000 }` with target 0.99), or answered without
 * a fault (a success objective; 4xx are the caller's, so they count as good).
 */
export type SloObjective = { kind: 'latency'; thresholdMs: number } | { kind: 'success' };

export interface SloDefinition {
  id: string;
  name: string;
  /** Which requests count: `service` is required, `operation` and `account` narrow it. */
  selector: MetricSelector & { service: string };
  objective: SloObjective;
  /** The share of good requests promised, in (0, 1): 0.99 for "99 %". */
  target: number;
  windowDays: 7 | 30;
}

/** An SLO as the API answers it: with its promise in one line. */
export type SloJson = SloDefinition & { description: string };
